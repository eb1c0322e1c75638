import { Validations, type Stack } from 'aws-cdk-lib';

/**
 * Acknowledges the findings on CDK's BucketDeployment handler, a singleton Lambda at stack level
 * that CDK manages (runtime, role, log group). It runs at deploy time only and reaches only S3.
 */
export function acknowledgeBucketDeploymentHandler(stack: Stack, purpose: string): void {
  for (const c of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    const why = `CDK BucketDeployment handler (CDK-managed runtime, role and log group): ${purpose}, at deploy time only.`;
    Validations.of(c).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM4', reason: why },
      { id: 'AwsSolutions::AwsSolutions-IAM5', reason: `${why} Its grants cover the CDK asset bucket and the destination bucket.` },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: `${why} CDK pins the runtime its bundled AWS CLI layer supports.` },
      { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: `${why} It reaches only S3.` },
      { id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', reason: `${why} Its log group holds copy progress only.` },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: `${why} CDK pins the runtime its bundled AWS CLI layer supports.` },
      { id: 'Serverless::Serverless-LambdaDLQ', reason: `${why} CloudFormation invokes it synchronously and gets the error.` },
      { id: 'Serverless::Serverless-LambdaTracing', reason: `${why} It runs once per deployment; CloudFormation events and its log group trace it.` },
    );
  }
}
