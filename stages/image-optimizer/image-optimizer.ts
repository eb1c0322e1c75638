import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { PrivateDistribution } from '../shared/cdn';
import { PatternHttpApi } from '../shared/http-api';
import { stackIdSuffix } from '../shared/names';
import { PatternFunction, REPO_ROOT } from '../shared/pattern-function';
import { allowEventBridgeRules, patternKey } from '../shared/pattern-key';
import { deadLetterQueue, encryptedQueue, SQS_EVENT_SOURCE_REASONS } from '../shared/queues';
import type { ImageOptimizerParameters } from './parameters';

const UPLOAD_PREFIX = 'uploads/';
const RENDITION_PREFIX = 'images/';
const RESIZER_TIMEOUT = Duration.seconds(60);
const NO_VPC_REASON = 'Reaches only S3, a regional AWS API, with IAM auth; a VPC would add endpoint cost per account and Region without narrowing access.';
/** sharp with its linux-arm64 binaries, installed by setup (functions/image-optimizer/resizer/arm64-runtime). */
const SHARP_ARM64 = path.join(REPO_ROOT, 'functions', 'image-optimizer', 'resizer', 'arm64-runtime', 'node_modules');

/** The JSON both functions read as IMAGE_SETTINGS. */
export function imageSettings(p: ImageOptimizerParameters) {
  return {
    sizes: p.sizes,
    allowedContentTypes: p.allowedContentTypes,
    maxUploadBytes: p.maxUploadMegabytes * 1024 * 1024,
    uploadUrlExpirySeconds: p.uploadUrlExpirySeconds,
    jpegQuality: p.jpegQuality,
    webpQuality: p.webpQuality,
  };
}

/**
 * Serverless image optimizer: an HTTP API hands out presigned POSTs to a private upload bucket;
 * each upload's "Object Created" event (EventBridge → SQS) reaches the resizer, which writes two
 * or more sizes plus WebP to a second private bucket served by CloudFront with OAC. The output
 * bucket sends nothing to the resizer, so it cannot loop; originals expire after 30 days.
 */
export class ImageOptimizer extends Construct {
  readonly uploads: s3.Bucket;
  readonly renditions: s3.Bucket;
  readonly cdn: PrivateDistribution;
  readonly api: PatternHttpApi;
  readonly resizer: PatternFunction;
  readonly presign: PatternFunction;
  readonly queue: sqs.Queue;
  readonly alarms: sns.Topic;

  constructor(scope: Construct, id: string, props: { parameters: ImageOptimizerParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'image-optimizer: buckets, queues and logs');
    const ruleName = `image-optimizer-uploads-${stackIdSuffix()}`;
    allowEventBridgeRules(key, 'EventBridgeUploadsRule', [ruleName]);

    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.uploads = dataBucket(this, 'Uploads', { key, accessLogs, accessLogsPrefix: 'uploads/', noncurrentVersionDays: 1 });
    this.uploads.addLifecycleRule({ id: 'expire-originals', prefix: UPLOAD_PREFIX, expiration: Duration.days(p.originalsExpireDays) });
    this.renditions = dataBucket(this, 'Renditions', { key, accessLogs, accessLogsPrefix: 'renditions/', noncurrentVersionDays: 7 });
    this.cdn = new PrivateDistribution(this, 'Cdn', {
      bucket: this.renditions,
      description: 'image-optimizer renditions',
      customDomain: p.customDomain,
    });
    const cdnUrl = p.customDomain ? `https://${p.customDomain.domainName}` : this.cdn.url;
    const settings = JSON.stringify(imageSettings(p));

    // ------------------------------------------------------------------ uploads → queue → resizer
    const eventsDlq = deadLetterQueue(this, 'UploadEventsDlq', key, 'the uploads rule (events EventBridge could not deliver)');
    const dlq = deadLetterQueue(this, 'ResizerDlq', key, 'the resizer (uploads that failed maxReceiveCount times)');
    this.queue = encryptedQueue(this, 'UploadEvents', key, {
      // Six times the function timeout, as Lambda recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(RESIZER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: dlq, maxReceiveCount: p.maxReceiveCount },
    });
    new events.Rule(this, 'UploadsRule', {
      ruleName,
      description: 'image-optimizer: images uploaded through the presign API',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [this.uploads.bucketName] }, object: { key: [{ prefix: UPLOAD_PREFIX }] } } },
      targets: [new targets.SqsQueue(this.queue, { deadLetterQueue: eventsDlq, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
    this.resizer = new PatternFunction(this, 'Resizer', {
      entry: 'image-optimizer/resizer/index.ts',
      description: 'image-optimizer: resizes uploads into renditions (sharp, arm64)',
      environment: { UPLOAD_BUCKET: this.uploads.bucketName, RENDITION_BUCKET: this.renditions.bucketName, IMAGE_SETTINGS: settings },
      timeout: RESIZER_TIMEOUT,
      memorySize: p.resizerMemoryMb,
      logRetention: p.logRetentionDays,
      key,
      nativeModules: { modules: ['sharp'], nodeModules: SHARP_ARM64 },
      noVpcReason: NO_VPC_REASON,
      noDeadLetterReason: SQS_EVENT_SOURCE_REASONS.function,
    });
    this.resizer.fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 5, reportBatchItemFailures: true }));
    Validations.of(this.resizer.fn).acknowledge({ id: 'Serverless::Serverless-LambdaEventSourceMappingDestination', reason: SQS_EVENT_SOURCE_REASONS.mapping });
    // Read originals, write renditions: never the other way, and nothing else.
    this.resizer.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)] }));
    this.resizer.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.renditions.arnForObjects(`${RENDITION_PREFIX}*`)] }));
    key.grant(this.resizer.role, 'kms:GenerateDataKey');

    // ------------------------------------------------------------------ presign API
    this.presign = new PatternFunction(this, 'Presign', {
      entry: 'image-optimizer/presign/index.ts',
      description: 'image-optimizer: POST /uploads presigns one image upload',
      environment: { UPLOAD_BUCKET: this.uploads.bucketName, CDN_URL: cdnUrl, IMAGE_SETTINGS: settings },
      timeout: Duration.seconds(10),
      logRetention: p.logRetentionDays,
      key,
      noVpcReason: NO_VPC_REASON,
      noDeadLetterReason: 'Invoked synchronously by API Gateway, which returns the error to the caller.',
    });
    // A presigned POST carries the signer's permissions: this role may put uploads/* only.
    this.presign.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)] }));
    key.grant(this.presign.role, 'kms:GenerateDataKey');
    this.api = new PatternHttpApi(this, 'Http', { description: 'image-optimizer upload API', key, logRetention: p.logRetentionDays, throttle: p.throttle });
    this.api.route('/uploads', apigwv2.HttpMethod.POST, this.presign.fn, { authorizer: new HttpIamAuthorizer() });

    const ids = [this.uploads, this.renditions].map((b) => Stack.of(this).getLogicalId(b.node.defaultChild as s3.CfnBucket));
    for (const fn of [this.resizer, this.presign]) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5',
        reason: `Object keys are generated per upload (uploads/<uuid>.<ext>, images/<uuid>/<size>.<ext>), so a prefix wildcard on ${ids.join(' and ')} is the narrowest grant.`,
      });
    }

    // ------------------------------------------------------------------ alarms
    this.alarms = notificationTopic(this, 'Alarms', key, 'image-optimizer alarms', p.notifyEmail);
    alarmOnWaitingMessages(this, 'ResizerDlqWaiting', dlq, this.alarms, 'image-optimizer: an upload the resizer could not process (corrupt, unsupported or too large; see its logs)');
    alarmOnWaitingMessages(this, 'UploadEventsDlqWaiting', eventsDlq, this.alarms, 'image-optimizer: upload events EventBridge could not deliver to the queue');
  }
}

export class ImageOptimizerStack extends Stack {
  readonly optimizer: ImageOptimizer;
  constructor(scope: Construct, id: string, props: PatternStackProps<ImageOptimizerParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'image-optimizer: serverless image optimizer, presigned uploads → sharp renditions → CloudFront (platform-delivery)',
    });
    this.optimizer = new ImageOptimizer(this, 'Optimizer', { parameters: props.parameters });
  }
}
