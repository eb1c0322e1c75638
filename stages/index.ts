/**
 * The registry: the one list of patterns. Adding a pattern = one entry here + `stages/<id>/`
 * + `functions/<id>/`. See README "Add a pattern".
 */
import type { Registry, PatternDefinition, PlannedPattern } from './types';
import { CatalogParameters } from '../catalog-products/parameters';
import { CatalogStage } from '../catalog-products/stage';
import { DataLakeParameters } from './data-lake/parameters';
import { DataLakeStage } from './data-lake/stage';
import { ContentAggregatorParameters } from './content-aggregator/parameters';
import { ContentAggregatorStage } from './content-aggregator/stage';
import { BaselinerParameters } from './baseliner/parameters';
import { BaselinerStage } from './baseliner/stage';
import { MqConsumerParameters } from './mq-consumer/parameters';
import { MqConsumerStage } from './mq-consumer/stage';
import { PrivatelinkLambdaParameters } from './privatelink-lambda/parameters';
import { PrivatelinkLambdaStage } from './privatelink-lambda/stage';
import { SnsFifoJobsParameters } from './sns-fifo-jobs/parameters';
import { StreamIngestionParameters } from './stream-ingestion/parameters';
import { StreamIngestionStage } from './stream-ingestion/stage';
import { SnsFifoJobsStage } from './sns-fifo-jobs/stage';
import { QUICKSIGHT_REGIONS, SpiceRefreshParameters } from './spice-refresh/parameters';
import { SpiceRefreshStage } from './spice-refresh/stage';

/** The handler and AWS CLI layer of CDK's BucketDeployment: one pair per pipeline, whoever uses it. */
export const CDK_BUCKET_DEPLOYMENT_ASSETS = ['cdk:bucket-deployment-handler', 'cdk:awscli-layer'];
export const SNS_FIFO_JOBS_ASSETS = ['function:sns-fifo-jobs/analytics', 'function:sns-fifo-jobs/inventory', 'function:sns-fifo-jobs/publisher'];
export const PRIVATELINK_LAMBDA_ASSETS = ['function:privatelink-lambda/greeter', 'function:privatelink-lambda/caller'];

function define<S extends PatternDefinition['parameters']>(p: PatternDefinition<S>): PatternDefinition {
  return p as unknown as PatternDefinition;
}

export const PATTERNS: readonly PatternDefinition[] = [
  define({
    id: 'baseliner',
    description: 'account baseliner: Control Tower vending and update files → Service Catalog products, through a bounded Step Functions workflow',
    parameters: BaselinerParameters,
    stacksPerStage: 1,
    assets: ['function:baseliner/trigger', 'function:baseliner/steps', ...CDK_BUCKET_DEPLOYMENT_ASSETS, 'data:baseliner/config'],
    targetRule: (_p, target, org) =>
      target.accountId === org.managementAccount && target.region === org.homeRegion
        ? undefined
        : { problem: 'the baseliner lives in the management account, in the Control Tower home Region', fix: `target accounts: [${org.managementAccount}], regions: [${org.homeRegion}] only` },
    createStage: (scope, id, props) => new BaselinerStage(scope, id, props),
  }),
  define({
    id: 'catalog',
    description: 'Service Catalog portfolio: versioned baseline products (cdk-bootstrap, account-baseline) and self-service patterns, with org-scoped asset buckets',
    parameters: CatalogParameters,
    stacksPerStage: (_p, org) => org.regions.length,
    assets: [
      ...SNS_FIFO_JOBS_ASSETS,
      ...PRIVATELINK_LAMBDA_ASSETS,
      ...CDK_BUCKET_DEPLOYMENT_ASSETS,
      'cdk:aws-custom-resource-handler',
      'template:cdk-bootstrap',
      'template:account-baseline@v1',
      'template:account-baseline@v2',
      'template:sns-fifo-jobs',
      'template:privatelink-lambda',
    ],
    targetRule: (_p, target, org) => {
      if (target.accountId !== org.managementAccount || target.region !== org.homeRegion) {
        return { problem: 'the catalog lives in the management account, in the Control Tower home Region', fix: `target accounts: [${org.managementAccount}], regions: [${org.homeRegion}] only` };
      }
      return org.organizationId ? undefined : { problem: 'its asset buckets are readable by the organization, whose id is not configured', fix: 'set management.organizationId (o-…) in organization.yaml' };
    },
    createStage: (scope, id, props) => new CatalogStage(scope, id, props),
  }),
  define({
    id: 'sns-fifo-jobs',
    description: 'SNS FIFO job events: scheduled publisher, ordered analytics (S3) and inventory (DynamoDB) consumers with DLQs',
    parameters: SnsFifoJobsParameters,
    stacksPerStage: 1,
    assets: SNS_FIFO_JOBS_ASSETS,
    createStage: (scope, id, props) => new SnsFifoJobsStage(scope, id, props),
  }),
  define({
    id: 'privatelink-lambda',
    description: 'AWS PrivateLink for Lambda: isolated VPC, Lambda interface endpoint with private DNS, one principal may invoke one function',
    parameters: PrivatelinkLambdaParameters,
    stacksPerStage: 1,
    assets: PRIVATELINK_LAMBDA_ASSETS,
    createStage: (scope, id, props) => new PrivatelinkLambdaStage(scope, id, props),
  }),
  define({
    id: 'stream-ingestion',
    description: 'Kinesis → Go Lambda → DynamoDB with Solutions Constructs: batched writes, partial batch failures, read auto scaling',
    parameters: StreamIngestionParameters,
    stacksPerStage: 1,
    assets: ['function:stream-ingestion/ingest'],
    createStage: (scope, id, props) => new StreamIngestionStage(scope, id, props),
  }),
  define({
    id: 'mq-consumer',
    description: 'Amazon MQ as a Lambda event source: private ActiveMQ broker, generated credentials, idempotent consumer with a rejected-message queue',
    parameters: MqConsumerParameters,
    stacksPerStage: 1,
    assets: ['function:mq-consumer/consumer'],
    createStage: (scope, id, props) => new MqConsumerStage(scope, id, props),
  }),
  define({
    id: 'spice-refresh',
    description: 'event-driven QuickSight SPICE refresh: S3 uploads → Glue CSV-to-Parquet job → CreateIngestion per mapped dataset; failures to SNS',
    parameters: SpiceRefreshParameters,
    stacksPerStage: 1,
    assets: ['function:spice-refresh/start-job', 'function:spice-refresh/refresh', 'script:spice-refresh/csv_to_parquet'],
    targetRule: (_p, target) =>
      (QUICKSIGHT_REGIONS as readonly string[]).includes(target.region)
        ? undefined
        : { problem: `Amazon QuickSight has no endpoint in ${target.region}`, fix: `narrow this pattern's regions to QuickSight Regions (${QUICKSIGHT_REGIONS.slice(0, 4).join(', ')}, …), or add the Region to QUICKSIGHT_REGIONS in stages/spice-refresh/parameters.ts once QuickSight supports it` },
    createStage: (scope, id, props) => new SpiceRefreshStage(scope, id, props),
  }),
  define({
    id: 'content-aggregator',
    description: 'Step Functions content aggregator: feed → Map over posts → one idempotent commit of the site\'s content file on GitHub',
    parameters: ContentAggregatorParameters,
    stacksPerStage: 1,
    assets: ['get-feed-urls', 'get-repo-contents', 'compare', 'get-post-metadata', 'add-to-list', 'write-to-github'].map((f) => `function:content-aggregator/${f}`),
    createStage: (scope, id, props) => new ContentAggregatorStage(scope, id, props),
  }),
  define({
    id: 'data-lake',
    description: 'higher-education data lake: daily Canvas Data 2 (DAP) sync to a raw zone, Glue crawler, Athena workgroup, SNS load summary; DMS and Redshift optional',
    parameters: DataLakeParameters,
    stacksPerStage: 1,
    assets: ['function:data-lake/sync'],
    createStage: (scope, id, props) => new DataLakeStage(scope, id, props),
  }),
];

/** Reserved ids: named in the design, not deployable yet. A plan naming one is refused. */
export const PLANNED: readonly PlannedPattern[] = [
  { id: 'fake-bot-blocker', description: 'WAF fake crawler bot blocker' },
  { id: 'iot-itsm', description: 'IoT anomalies → ServiceNow incidents' },
  { id: 'bundled-apps', description: 'Go API and static site bundled by CDK' },
  { id: 'lambda-storage', description: 'Lambda storage options: S3, /tmp, layers, EFS' },
  { id: 'image-optimizer', description: 'serverless image optimizer' },
  { id: 'api-facade', description: 'API facade over a legacy XML system' },
  { id: 'lambda-extensions', description: 'Lambda extensions and AppConfig' },
  { id: 'crud-microservice', description: 'HTTP API CRUD microservice with JWT authorizer' },
];

export const REGISTRY: Registry = {
  patterns: new Map(PATTERNS.map((p) => [p.id, p])),
  planned: new Map(PLANNED.map((p) => [p.id, p])),
};
