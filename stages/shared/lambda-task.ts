import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Transient Lambda and network failures, retried with back-off on every task. */
export const TRANSIENT_LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/** A state machine task that invokes a function and takes its response as the result, transient failures retried. */
export function lambdaTask(scope: Construct, id: string, fn: lambda.IFunction, props: Partial<tasks.LambdaInvokeProps> = {}): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, { lambdaFunction: fn, payloadResponseOnly: true, retryOnServiceExceptions: false, ...props });
  task.addRetry({ errors: TRANSIENT_LAMBDA_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4 });
  return task;
}

/**
 * A state machine's own role, closed to CDK's generated grants: invoke on exactly these functions,
 * vended log delivery and X-Ray (which take no resource ARN), and the key of its logs and state.
 * Give it to the StateMachine with withoutPolicyUpdates().
 */
export function workflowRole(scope: Construct, id: string, description: string, functions: readonly lambda.IFunction[], key: kms.IKey): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('states.amazonaws.com'), description });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((f) => f.functionArn) }));
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      // CloudWatch Logs vended-log delivery calls take no resource ARN.
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      // X-Ray trace and sampling calls take no resource ARN.
      resources: ['*'],
    }),
  );
  key.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
  return role;
}
