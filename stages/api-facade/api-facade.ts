import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { acknowledgeExecuteApiPermission } from '../shared/http-api';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { facadeOpenApi } from './openapi';
import type { ApiFacadeParameters } from './parameters';

/**
 * An API facade: a REST API built from its OpenAPI contract (request validation, SigV4 and API
 * keys with a usage plan, optionally private through a VPC endpoint) in front of one mediator
 * function that calls the legacy SOAP service and answers the promised JSON.
 */
export class ApiFacade extends Construct {
  readonly api: apigateway.SpecRestApi;
  readonly mediator: PatternFunction;
  readonly key: kms.Key;
  readonly apiKey: apigateway.IApiKey;
  readonly backendSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: { parameters: ApiFacadeParameters }) {
    super(scope, id);
    const p = props.parameters;
    this.key = patternKey(this, 'Key', 'api-facade: backend secret and logs');
    this.backendSecret = p.backendSecretArn ? secretsmanager.Secret.fromSecretCompleteArn(this, 'BackendSecret', p.backendSecretArn) : this.newBackendSecret();

    this.mediator = new PatternFunction(this, 'Mediator', {
      entry: 'api-facade/mediator/index.ts',
      description: 'api-facade: REST to the legacy SOAP customer service, answered as JSON',
      environment: { BACKEND_URL: p.backendUrl, BACKEND_SECRET_ARN: this.backendSecret.secretArn, BACKEND_TIMEOUT_MS: String(p.backendTimeoutMs) },
      timeout: Duration.millis(p.backendTimeoutMs + 3000),
      logRetention: p.logRetentionDays,
      key: this.key,
      noVpcReason: 'The legacy service is reached at backendUrl over HTTPS; attach the function to the network that reaches it when that is private (a VPC with a route to it).',
      noDeadLetterReason: 'Invoked synchronously by API Gateway, which returns the error to the caller.',
    });
    this.mediator.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.backendSecret.secretArn] }));

    const invokeUri = `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${this.mediator.fn.functionArn}/invocations`;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: p.logRetentionDays, encryptionKey: this.key, removalPolicy: RemovalPolicy.RETAIN });
    const isPrivate = p.privateEndpoint !== undefined;
    this.api = new apigateway.SpecRestApi(this, 'Api', {
      apiDefinition: apigateway.ApiDefinition.fromInline(facadeOpenApi(invokeUri)),
      description: 'api-facade: customer API over the legacy SOAP service',
      endpointTypes: [isPrivate ? apigateway.EndpointType.PRIVATE : apigateway.EndpointType.REGIONAL],
      policy: isPrivate ? privateEndpointPolicy(p.privateEndpoint!.vpcEndpointId) : undefined,
      // API Gateway writes execution logs with the account's CloudWatch role (an account setting).
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        // All clients together; each API key also has the usage plan's own throttle and quota.
        throttlingRateLimit: p.stageThrottle.rateLimit,
        throttlingBurstLimit: p.stageThrottle.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.mediator.fn.addPermission('InvokeByApi', { principal: new iam.ServicePrincipal('apigateway.amazonaws.com'), sourceArn: this.api.arnForExecuteApi() });
    acknowledgeExecuteApiPermission(this.mediator.fn.node.findChild('InvokeByApi'));

    const plan = this.api.addUsagePlan('Plan', {
      description: 'api-facade: per-key throttle and quota',
      throttle: { rateLimit: p.usagePlan.rateLimit, burstLimit: p.usagePlan.burstLimit },
      quota: { limit: p.usagePlan.quotaLimit, period: apigateway.Period[p.usagePlan.quotaPeriod] },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.apiKey = this.api.addApiKey('Key', { description: 'api-facade: the first client key (add one per client)' });
    plan.addApiKey(this.apiKey);

    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-APIG2', reason: 'Request validation is in the OpenAPI document: x-amazon-apigateway-request-validator "all" (body and parameters) on every operation.' },
      {
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason: 'Callers are SigV4-signed IAM principals with an API key under a usage plan (throttle and quota); associate a web ACL with the stage where the account runs one.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM4',
        reason: "API Gateway's account-level CloudWatch role uses the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy, which AWS documents for exactly this role.",
      },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'Authorization is AWS_IAM (SigV4) in the OpenAPI document, not a Cognito user pool.' },
    );
    new CfnOutput(this, 'Url', { value: this.api.url, description: 'api-facade: base URL (stage v1)' });
    new CfnOutput(this, 'ApiKeyId', { value: this.apiKey.keyId, description: 'api-facade: aws apigateway get-api-key --api-key <id> --include-value' });
  }

  /** A secret to fill in with the legacy credentials: {"username": "facade", "password": "…"}. */
  private newBackendSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'BackendSecret', {
      description: 'api-facade: legacy customer service credentials; set {"username", "password"}',
      encryptionKey: this.key,
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'facade' }), generateStringKey: 'password', excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason = 'The legacy service owns these credentials and rotates them on its side; a Secrets Manager rotation Lambda cannot change a password in that system.';
    Validations.of(secret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason }, { id: 'cdk-validator-cfnguard::secretsmanager_rotation_enabled_check', reason });
    return secret;
  }
}

/** Only callers through this VPC endpoint may invoke the API. */
function privateEndpointPolicy(vpcEndpointId: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { StringNotEquals: { 'aws:SourceVpce': vpcEndpointId } },
      }),
    ],
  });
}

export class ApiFacadeStack extends Stack {
  readonly facade: ApiFacade;
  constructor(scope: Construct, id: string, props: PatternStackProps<ApiFacadeParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'api-facade: REST API over a legacy XML system (platform-delivery)' });
    this.facade = new ApiFacade(this, 'Facade', { parameters: props.parameters });
  }
}
