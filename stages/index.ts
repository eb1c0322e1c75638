/**
 * The patterns of this floor: one entry per `stages/<id>/` (the baseliner and every workload
 * pattern). Adding a pattern = one entry here + `stages/<id>/` + `functions/<id>/`; see README "Add
 * a pattern". The registry (pipeline/registry.ts) adds the catalog, which lives a floor up.
 */
import * as path from 'node:path';
import type { z } from 'zod';
import { CONFIG_FILES } from '../accounts/config';
import type { DeploymentTarget, PatternDefinition, PlannedPattern, PlatformPattern, TargetRule, WorkloadPattern } from './types';
import { BaselinerParameters } from './baseliner/parameters';
import { BaselinerStage } from './baseliner/stage';
import { ContentAggregatorStack } from './content-aggregator/content-aggregator';
import { ContentAggregatorParameters } from './content-aggregator/parameters';
import { ApiFacadeStack } from './api-facade/api-facade';
import { ApiFacadeParameters } from './api-facade/parameters';
import { BundledAppsStack } from './bundled-apps/bundled-apps';
import { BundledAppsParameters } from './bundled-apps/parameters';
import { CrudMicroserviceStack } from './crud-microservice/crud-microservice';
import { CrudMicroserviceParameters } from './crud-microservice/parameters';
import { FakeBotBlockerStack } from './fake-bot-blocker/fake-bot-blocker';
import { CLOUDFRONT_SCOPE_REGION, FakeBotBlockerParameters } from './fake-bot-blocker/parameters';
import { LambdaExtensionsStack } from './lambda-extensions/lambda-extensions';
import { appConfigAgentLayers } from './lambda-extensions/layers';
import { LambdaExtensionsParameters } from './lambda-extensions/parameters';
import { IotItsmStack } from './iot-itsm/iot-itsm';
import { GREENGRASS_V2_REGIONS, IotItsmParameters } from './iot-itsm/parameters';
import { LambdaStorageStack } from './lambda-storage/lambda-storage';
import { LambdaStorageParameters } from './lambda-storage/parameters';
import { DataLakeStack } from './data-lake/data-lake';
import { DataLakeParameters } from './data-lake/parameters';
import { ImageOptimizerStack } from './image-optimizer/image-optimizer';
import { ImageOptimizerParameters } from './image-optimizer/parameters';
import { MqConsumerStack } from './mq-consumer/mq-consumer';
import { MqConsumerParameters } from './mq-consumer/parameters';
import { PrivatelinkLambdaParameters } from './privatelink-lambda/parameters';
import { PrivatelinkLambdaStack } from './privatelink-lambda/privatelink-lambda';
import { SnsFifoJobsParameters } from './sns-fifo-jobs/parameters';
import { SnsFifoJobsStack } from './sns-fifo-jobs/sns-fifo-jobs';
import { QUICKSIGHT_REGIONS, SpiceRefreshParameters } from './spice-refresh/parameters';
import { SpiceRefreshStack } from './spice-refresh/spice-refresh';
import { StreamIngestionParameters } from './stream-ingestion/parameters';
import { StreamIngestionStack } from './stream-ingestion/stream-ingestion';

export function workload<S extends z.ZodType>(p: Omit<WorkloadPattern<S>, 'kind'>): PatternDefinition {
  return { kind: 'workload', ...p } as unknown as PatternDefinition;
}

export function platform<S extends z.ZodType>(p: Omit<PlatformPattern<S>, 'kind'>): PatternDefinition {
  return { kind: 'platform', ...p } as unknown as PatternDefinition;
}

/** The management account in the home Region, or why not. */
/**
 * A secret given by ARN must be in the target's account and Region: the function reads it through
 * its own Region's endpoint, as its own account. Absent, the stack creates one in each target.
 */
function givenSecretInTarget(parameter: string, arn: string | undefined, target: DeploymentTarget): ReturnType<TargetRule<unknown>> {
  const [, , , region, account] = arn?.split(':') ?? [];
  if (!arn || (region === target.region && account === target.accountId)) return undefined;
  return {
    problem: `${parameter} ${arn} is in ${account}/${region}, not the target ${target.accountId}/${target.region}`,
    fix: `leave ${parameter} out (the stack creates a secret in each account and Region), or narrow this pattern to the account and Region of the secret`,
  };
}

export function managementHomeOnly(what: string): PlatformPattern['targetRule'] {
  return (_p, target, org) =>
    target.accountId === org.managementAccount && target.region === org.homeRegion
      ? undefined
      : { problem: `${what} lives in the management account, in the Control Tower home Region`, fix: `target accounts: [${org.managementAccount}], regions: [${org.homeRegion}] only` };
}

export const STAGE_PATTERNS: readonly PatternDefinition[] = [
  platform({
    id: 'baseliner',
    description: 'account baseliner: Control Tower vending and update files → Service Catalog products, through a bounded Step Functions workflow',
    parameters: BaselinerParameters,
    targetRule: managementHomeOnly('the baseliner'),
    targetLimits: 'the management account, in the home Region (plus a forwarding rule in us-east-1 when the home Region is another)',
    // The enrollment gate names the account as Control Tower does, which needs the organization id.
    configIssues: (p, config) =>
      p.enrollmentGate && !config.organization.management.organizationId
        ? [
            {
              file: path.join(config.dir, CONFIG_FILES.organization),
              path: 'management.organizationId',
              problem: "the baseliner's enrollment gate needs the organization id",
              fix: 'add management.organizationId: o-…, or set the baseliner parameter enrollmentGate: false',
            },
          ]
        : [],
    createStage: (scope, id, props) => new BaselinerStage(scope, id, props),
  }),
  workload({
    id: 'sns-fifo-jobs',
    description: 'SNS FIFO job events: scheduled publisher, ordered analytics (S3) and inventory (DynamoDB) consumers with DLQs',
    parameters: SnsFifoJobsParameters,
    stackId: 'SnsFifoJobs',
    createStack: (scope, id, props) => new SnsFifoJobsStack(scope, id, props),
  }),
  workload({
    id: 'privatelink-lambda',
    description: 'AWS PrivateLink for Lambda: isolated VPC, Lambda interface endpoint with private DNS, one principal may invoke one function',
    parameters: PrivatelinkLambdaParameters,
    stackId: 'PrivatelinkLambda',
    createStack: (scope, id, props) => new PrivatelinkLambdaStack(scope, id, props),
  }),
  workload({
    id: 'stream-ingestion',
    description: 'Kinesis → Go Lambda → DynamoDB with Solutions Constructs: batched writes, partial batch failures, read auto scaling',
    parameters: StreamIngestionParameters,
    stackId: 'StreamIngestion',
    createStack: (scope, id, props) => new StreamIngestionStack(scope, id, props),
  }),
  workload({
    id: 'mq-consumer',
    description: 'Amazon MQ as a Lambda event source: private ActiveMQ broker, generated credentials, idempotent consumer with a rejected-message queue',
    parameters: MqConsumerParameters,
    stackId: 'MqConsumer',
    createStack: (scope, id, props) => new MqConsumerStack(scope, id, props),
  }),
  workload({
    id: 'spice-refresh',
    description: 'event-driven QuickSight SPICE refresh: S3 uploads → Glue CSV-to-Parquet job → CreateIngestion per mapped dataset; failures to SNS',
    parameters: SpiceRefreshParameters,
    stackId: 'SpiceRefresh',
    targetLimits: `Regions with Amazon QuickSight (${QUICKSIGHT_REGIONS.join(', ')})`,
    targetRule: (_p, target) =>
      (QUICKSIGHT_REGIONS as readonly string[]).includes(target.region)
        ? undefined
        : {
            problem: `Amazon QuickSight has no endpoint in ${target.region}`,
            fix: `narrow this pattern's regions to QuickSight Regions (${QUICKSIGHT_REGIONS.slice(0, 4).join(', ')}, …), or add the Region to QUICKSIGHT_REGIONS in stages/spice-refresh/parameters.ts once QuickSight supports it`,
          },
    createStack: (scope, id, props) => new SpiceRefreshStack(scope, id, props),
  }),
  workload({
    id: 'content-aggregator',
    description: "Step Functions content aggregator: feed → Map over posts → one idempotent commit of the site's content file on GitHub",
    parameters: ContentAggregatorParameters,
    stackId: 'ContentAggregator',
    createStack: (scope, id, props) => new ContentAggregatorStack(scope, id, props),
  }),
  workload({
    id: 'data-lake',
    description: 'higher-education data lake: daily Canvas Data 2 (DAP) sync to a raw zone, Glue crawler, Athena workgroup, SNS load summary; DMS and Redshift optional',
    parameters: DataLakeParameters,
    stackId: 'DataLake',
    createStack: (scope, id, props) => new DataLakeStack(scope, id, props),
  }),
  workload({
    id: 'crud-microservice',
    description: 'HTTP API CRUD microservice: JWT authorizer (Cognito by default), five single-purpose functions over DynamoDB, conditional writes, real status codes',
    parameters: CrudMicroserviceParameters,
    stackId: 'CrudMicroservice',
    createStack: (scope, id, props) => new CrudMicroserviceStack(scope, id, props),
  }),
  workload({
    id: 'bundled-apps',
    description: 'Go API and static site bundled by CDK: GoFunction (tests run at synth) behind GET /hello, esbuild-built site on CloudFront with OAC and a deploy-time config.json',
    parameters: BundledAppsParameters,
    stackId: 'BundledApps',
    createStack: (scope, id, props) => new BundledAppsStack(scope, id, props),
  }),
  workload({
    id: 'image-optimizer',
    description: 'serverless image optimizer: presigned uploads (HTTP API, IAM auth) → EventBridge → SQS → sharp on arm64 → sizes plus WebP behind CloudFront with OAC',
    parameters: ImageOptimizerParameters,
    stackId: 'ImageOptimizer',
    createStack: (scope, id, props) => new ImageOptimizerStack(scope, id, props),
  }),
  workload({
    id: 'api-facade',
    description:
      'API facade over a legacy XML system: REST API from an OpenAPI contract (validation, SigV4, API keys, usage plan, optional private endpoint) → mediator Lambda → SOAP, faults mapped to JSON errors',
    parameters: ApiFacadeParameters,
    stackId: 'ApiFacade',
    targetLimits: 'any governed account and Region; a backendSecretArn must be in the target account and Region',
    // The function reads the secret through its own Region's endpoint, as its own account.
    targetRule: (p, target) => givenSecretInTarget('backendSecretArn', p.backendSecretArn, target),
    createStack: (scope, id, props) => new ApiFacadeStack(scope, id, props),
  }),
  workload({
    id: 'fake-bot-blocker',
    description:
      'WAF fake-crawler blocker: web ACL (impostor Googlebot/Bingbot block rule, AWS common rules, optional Bot Control) logging through Firehose to a Go processor that verifies claims by reverse and forward DNS and fills the IP sets',
    parameters: FakeBotBlockerParameters,
    stackId: 'FakeBotBlocker',
    targetLimits: `scope CLOUDFRONT (the default): ${CLOUDFRONT_SCOPE_REGION} only; scope REGIONAL: any governed Region, a protectedResourceArn in the target account and Region`,
    targetRule: (p, target) => {
      if (p.scope === 'CLOUDFRONT')
        return target.region === CLOUDFRONT_SCOPE_REGION
          ? undefined
          : {
              problem: `a CLOUDFRONT-scope web ACL (and the Firehose stream it logs to) can only be created in ${CLOUDFRONT_SCOPE_REGION}, not ${target.region}`,
              fix: `narrow this pattern's regions to [${CLOUDFRONT_SCOPE_REGION}], or set scope: REGIONAL to protect an ALB or API stage in ${target.region}`,
            };
      const [, , service, region, account] = p.protectedResourceArn?.split(':') ?? [];
      if (!p.protectedResourceArn || (region === target.region && (service === 'apigateway' || account === target.accountId))) return undefined;
      return {
        problem: `protectedResourceArn ${p.protectedResourceArn} is not in the target ${target.accountId}/${target.region}`,
        fix: 'a web ACL protects resources of its own account and Region: narrow this pattern to the account and Region of the resource, or leave protectedResourceArn out',
      };
    },
    createStack: (scope, id, props) => new FakeBotBlockerStack(scope, id, props),
  }),
  workload({
    id: 'lambda-extensions',
    description:
      'Lambda extensions: an external Go extension as a layer (/opt/extensions/lifecycle-logger) and the AppConfig agent extension serving a hosted LoggingLevel profile to a Node.js and a Go function',
    parameters: LambdaExtensionsParameters,
    stackId: 'LambdaExtensions',
    targetLimits: "Regions where AWS publishes the AppConfig agent layer for arm64 and x86-64 (aws-cdk-lib's table)",
    targetRule: (_p, target) =>
      appConfigAgentLayers()[target.region]
        ? undefined
        : {
            problem: `aws-cdk-lib knows no AppConfig agent extension layer for arm64 in ${target.region}`,
            fix: `narrow this pattern's regions to those with the layer (${Object.keys(appConfigAgentLayers()).slice(0, 4).join(', ')}, …), or upgrade aws-cdk-lib once AWS publishes the layer there`,
          },
    createStack: (scope, id, props) => new LambdaExtensionsStack(scope, id, props),
  }),
  workload({
    id: 'lambda-storage',
    description: 'Lambda storage options, one function each: S3 with native event notifications, /tmp sized by parameter, a layer under /opt, EFS through an access point in an isolated VPC',
    parameters: LambdaStorageParameters,
    stackId: 'LambdaStorage',
    createStack: (scope, id, props) => new LambdaStorageStack(scope, id, props),
  }),
  workload({
    id: 'iot-itsm',
    description:
      'IoT anomalies to ServiceNow incidents: a Greengrass V2 threshold component (temperature, humidity) publishing over IPC, a topic rule on IoTBlog/anomaly, and an incident function deduplicating per device and window',
    parameters: IotItsmParameters,
    stackId: 'IotItsm',
    targetLimits: 'Regions with AWS IoT Greengrass V2; a servicenowSecretArn must be in the target account and Region',
    targetRule: (p, target) => {
      if (!GREENGRASS_V2_REGIONS.includes(target.region))
        return {
          problem: `AWS IoT Greengrass V2 is not offered in ${target.region}`,
          fix: `narrow this pattern's regions to Greengrass V2 Regions (${GREENGRASS_V2_REGIONS.slice(0, 5).join(', ')}, …; the list is GREENGRASS_V2_REGIONS in stages/iot-itsm/parameters.ts)`,
        };
      return givenSecretInTarget('servicenowSecretArn', p.servicenowSecretArn, target);
    },
    createStack: (scope, id, props) => new IotItsmStack(scope, id, props),
  }),
];

/** Reserved ids: named in the design, not deployable yet. A plan naming one is refused. */
export const PLANNED: readonly PlannedPattern[] = [];
