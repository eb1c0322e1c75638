/**
 * An API Gateway HTTP API the way our patterns want it: access logs in a KMS-encrypted log group
 * with a year's retention (CT.APIGATEWAY.PR.4), stage throttling, and every route given an
 * authorization type (CT.APIGATEWAY.PR.5) or the reason it has none.
 */
import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';

export const ApiThrottle = z
  .strictObject({
    rateLimit: z.number().min(1).max(10_000).default(50).describe('Steady-state requests per second for the stage.'),
    burstLimit: z.number().int().min(1).max(5_000).default(100).describe('Burst of requests for the stage.'),
  })
  .default({ rateLimit: 50, burstLimit: 100 })
  .describe('Stage throttling: all callers of the stage together.');

export interface PatternHttpApiProps {
  readonly description: string;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly throttle: z.output<typeof ApiThrottle>;
  readonly corsOrigins?: string[];
}

export class PatternHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: PatternHttpApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: props.description,
      createDefaultStage: false,
      corsPreflight: props.corsOrigins?.length ? { allowOrigins: props.corsOrigins, allowMethods: [apigwv2.CorsHttpMethod.ANY], allowHeaders: ['authorization', 'content-type'] } : undefined,
    });
    const stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
    });
    // On the CloudFormation stage: a JSON format that names the route and the authorizer's error.
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLength: '$context.responseLength',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      }),
    };
    new CfnOutput(this, 'Url', { value: this.api.apiEndpoint, description: `${props.description}: base URL` });
  }

  get url(): string {
    return this.api.apiEndpoint;
  }

  /** A route to a function, with its authorizer; `noAuthorizerReason` for a deliberately public one. */
  route(path: string, method: apigwv2.HttpMethod, fn: lambda.IFunction, auth: { authorizer: apigwv2.IHttpRouteAuthorizer } | { noAuthorizerReason: string }): apigwv2.HttpRoute {
    const [route] = this.api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(`${method}${path.replace(/[^A-Za-z0-9]/g, '')}Integration`, fn),
      authorizer: 'authorizer' in auth ? auth.authorizer : undefined,
    });
    for (const permission of route.node.findAll().filter((c) => c instanceof lambda.CfnPermission)) acknowledgeExecuteApiPermission(permission);
    if ('noAuthorizerReason' in auth) {
      Validations.of(route).acknowledge(
        { id: 'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check', reason: auth.noAuthorizerReason },
        { id: 'AwsSolutions::AwsSolutions-APIG4', reason: auth.noAuthorizerReason },
      );
    }
    return route;
  }
}

/** The guard cannot read an execute-api SourceArn; say that the permission is scoped all the same. */
export function acknowledgeExecuteApiPermission(permission: IConstruct): void {
  Validations.of(permission).acknowledge({
    id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
    reason: "Scoped: the SourceArn is this API's own execute-api ARN, an Fn::Join of the API id (API Gateway has no ARN attribute to reference), which the rule cannot read.",
  });
}
