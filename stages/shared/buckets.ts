import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * Settings every bucket of ours shares, matching the Control Tower S3 controls: private, TLS only,
 * versioned with a lifecycle, Object Lock available, events to EventBridge.
 */
const COMMON: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  objectLockEnabled: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
};

/**
 * Events to EventBridge, set on the CloudFormation resource itself: the L2 `eventBridgeEnabled`
 * would add a custom-resource Lambda to every stack for the same result.
 */
export function sendEventsToEventBridge(bucket: s3.IBucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/**
 * Brings a bucket that another construct created (CDK Pipelines' artifact and replication
 * buckets) to the standard of ours: versioning, Object Lock, lifecycle, access logs, events.
 */
export function hardenGeneratedBucket(bucket: s3.IBucket, accessLogs: s3.Bucket, prefix: string, expireAfterDays: number): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.versioningConfiguration = { status: 'Enabled' };
  cfn.objectLockEnabled = true;
  cfn.lifecycleConfiguration = {
    rules: [{ id: 'expire-old-objects', status: 'Enabled', expirationInDays: expireAfterDays, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
  };
  cfn.loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: prefix };
  sendEventsToEventBridge(bucket);
  accessLogs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `S3ServerAccessLogs${prefix.replace(/[^A-Za-z0-9]/g, '')}`,
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      // S3 names the log objects under the prefix.
      resources: [accessLogs.arnForObjects(`${prefix}*`)],
      conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account } },
    }),
  );
}

/** The target of S3 server access logs. */
export function accessLogsBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...COMMON,
    // Server access log delivery writes only to SSE-S3 target buckets.
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  Validations.of(bucket).acknowledge(
    { id: 'AwsSolutions::AwsSolutions-S1', reason: 'This is the access-log target bucket; logging it into itself would loop.' },
    { id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason: 'This is the access-log target bucket; logging it into itself would loop.' },
    { id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', reason: 'S3 server access log delivery supports only SSE-S3 on the target bucket.' },
  );
  sendEventsToEventBridge(bucket);
  return bucket;
}

export interface DataBucketProps {
  readonly key: kms.IKey;
  readonly accessLogs: s3.IBucket;
  readonly accessLogsPrefix: string;
  /** Days before old object versions are removed. */
  readonly noncurrentVersionDays?: number;
}

/** A KMS-encrypted bucket for a pattern's data. */
export function dataBucket(scope: Construct, id: string, props: DataBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...COMMON,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
  });
  sendEventsToEventBridge(bucket);
  return bucket;
}
