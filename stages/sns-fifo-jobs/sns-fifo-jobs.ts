import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { PatternFunction, type PatternFunctionProps } from '../shared/pattern-function';
import { dataTable } from '../shared/tables';
import { stackIdSuffix, stackScopedName } from '../shared/names';
import { allowEventBridgeRules, patternKey } from '../shared/pattern-key';
import { acknowledgeEndOfLine, SQS_EVENT_SOURCE_REASONS } from '../shared/queues';
import type { SnsFifoJobsParameters } from './parameters';

const CONSUMER_TIMEOUT = Duration.seconds(30);
const NO_VPC_REASON =
  'Reaches only regional AWS APIs (SNS, S3, DynamoDB) with IAM auth and no private resources; a VPC would add NAT or endpoint cost per account and Region without narrowing access.';

/**
 * Event-driven jobs on SNS FIFO: a scheduled publisher, and two ordered consumers (analytics to
 * S3, inventory to DynamoDB), each behind its own FIFO queue with queue and subscription DLQs.
 */
export class SnsFifoJobs extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly topicKey: kms.Key;
  readonly analyticsQueue: sqs.Queue;
  readonly inventoryQueue: sqs.Queue;
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  /** Alarms of the pattern (a message waiting in a dead-letter queue), to notifyEmail. */
  readonly alarms: sns.Topic;

  constructor(scope: Construct, id: string, props: { parameters: SnsFifoJobsParameters }) {
    super(scope, id);
    const p = props.parameters;
    // Two keys: the queue key's policy names the topic, so the topic cannot use that key too.
    this.topicKey = patternKey(this, 'TopicKey', 'sns-fifo-jobs: JobEvents.fifo');
    this.key = patternKey(this, 'Key', 'sns-fifo-jobs: queues, bucket, table and logs');

    // Names per stack: the pipeline's stack and self-service launches share accounts and Regions.
    this.topic = new sns.Topic(this, 'JobEvents', {
      topicName: stackScopedName('JobEvents.fifo'),
      displayName: 'Job events',
      fifo: true,
      contentBasedDeduplication: false,
      masterKey: this.topicKey,
      enforceSSL: true,
    });

    // ---------------------------------------------------------------- analytics: every event → S3
    const analytics = this.subscribedQueue('Analytics', p.maxReceiveCount);
    this.analyticsQueue = analytics.queue;
    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.bucket = dataBucket(this, 'Analytics', { key: this.key, accessLogs, accessLogsPrefix: 'analytics/' });
    const analyticsFn = this.consumer('AnalyticsConsumer', this.analyticsQueue, p, {
      entry: 'sns-fifo-jobs/analytics/index.ts',
      description: 'sns-fifo-jobs: writes every job event to S3 by date',
      environment: { BUCKET_NAME: this.bucket.bucketName },
    });
    analyticsFn.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        // Object keys are generated per batch (jobs/dt=<date>/<hash>.jsonl), so the prefix needs a wildcard.
        resources: [this.bucket.arnForObjects('jobs/*')],
      }),
    );
    this.key.grant(analyticsFn.role, 'kms:GenerateDataKey');
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(analyticsFn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/jobs/*]`,
      reason: 'PutObject under jobs/* only: object keys are generated per batch, so a prefix wildcard is the narrowest grant.',
    });

    // ---------------------------------------------------------------- inventory: created/deleted → DynamoDB
    const inventory = this.subscribedQueue('Inventory', p.maxReceiveCount, {
      eventType: sns.SubscriptionFilter.stringFilter({ allowlist: ['JobCreated', 'JobDeleted'] }),
    });
    this.inventoryQueue = inventory.queue;
    this.table = dataTable(this, 'Jobs', { partitionKey: 'jobId', key: this.key });
    const inventoryFn = this.consumer('InventoryConsumer', this.inventoryQueue, p, {
      entry: 'sns-fifo-jobs/inventory/index.ts',
      description: 'sns-fifo-jobs: keeps the job inventory table current',
      environment: { TABLE_NAME: this.table.tableName },
    });
    inventoryFn.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [this.table.tableArn] }));
    this.key.grant(inventoryFn.role, 'kms:Encrypt', 'kms:GenerateDataKey');

    // ---------------------------------------------------------------- publisher: schedule → topic
    const publisherFailures = new sqs.Queue(this, 'PublisherFailures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const publisher = new PatternFunction(this, 'Publisher', {
      entry: 'sns-fifo-jobs/publisher/index.ts',
      description: 'sns-fifo-jobs: publishes a job lifecycle to the <stack>-JobEvents.fifo topic on a schedule',
      environment: { TOPIC_ARN: this.topic.topicArn },
      logRetention: p.logRetentionDays,
      key: this.key,
      deadLetterQueue: publisherFailures,
      reservedConcurrentExecutions: 1,
      noVpcReason: NO_VPC_REASON,
    });
    publisher.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.topicKey.grant(publisher.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const scheduleRuleName = `sns-fifo-jobs-publisher-${stackIdSuffix()}`;
    const schedule = new events.Rule(this, 'Schedule', {
      ruleName: scheduleRuleName,
      description: 'sns-fifo-jobs: sample job lifecycle',
      schedule: events.Schedule.rate(Duration.minutes(p.publishEveryMinutes)),
      enabled: p.publisherEnabled,
    });
    schedule.addTarget(new targets.LambdaFunction(publisher.fn, { deadLetterQueue: publisherFailures, retryAttempts: 2, maxEventAge: Duration.hours(1) }));
    // EventBridge writes undeliverable events to the encrypted DLQ: allow it for this rule only.
    allowEventBridgeRules(this.key, 'EventBridgeDeadLetters', [scheduleRuleName]);
    // A message in any dead-letter queue raises an alarm to the pattern's alarm topic.
    this.alarms = notificationTopic(this, 'Alarms', this.key, 'sns-fifo-jobs alarms', p.notifyEmail);
    const dlqs: Array<[string, sqs.IQueue, string]> = [
      ['AnalyticsDlqWaiting', analytics.dlq, 'analytics events that failed maxReceiveCount times'],
      ['AnalyticsSubscriptionDlqWaiting', analytics.subscriptionDlq, 'events SNS could not deliver to the analytics queue'],
      ['InventoryDlqWaiting', inventory.dlq, 'inventory events that failed maxReceiveCount times'],
      ['InventorySubscriptionDlqWaiting', inventory.subscriptionDlq, 'events SNS could not deliver to the inventory queue'],
      ['PublisherFailuresWaiting', publisherFailures, 'schedule events the publisher failed on or never received'],
    ];
    for (const [alarmId, queue, what] of dlqs) alarmOnWaitingMessages(this, alarmId, queue, this.alarms, `sns-fifo-jobs: ${what}`);
    for (const dlq of [analytics.dlq, analytics.subscriptionDlq, inventory.dlq, inventory.subscriptionDlq, publisherFailures]) {
      acknowledgeEndOfLine(dlq, 'This queue is itself a dead-letter queue; a message that fails here is kept 14 days for inspection.');
    }
  }

  /** A consumer of a FIFO queue that reports partial batch failures. */
  private consumer(id: string, queue: sqs.IQueue, p: SnsFifoJobsParameters, props: Pick<PatternFunctionProps, 'entry' | 'description' | 'environment'>): PatternFunction {
    const consumer = new PatternFunction(this, id, {
      ...props,
      timeout: CONSUMER_TIMEOUT,
      logRetention: p.logRetentionDays,
      key: this.key,
      noVpcReason: NO_VPC_REASON,
      noDeadLetterReason: SQS_EVENT_SOURCE_REASONS.function,
    });
    consumer.fn.addEventSource(new SqsEventSource(queue, { batchSize: p.batchSize, reportBatchItemFailures: true }));
    Validations.of(consumer.fn).acknowledge({ id: 'Serverless::Serverless-LambdaEventSourceMappingDestination', reason: SQS_EVENT_SOURCE_REASONS.mapping });
    return consumer;
  }

  /** A FIFO queue subscribed to the topic (raw delivery), with its own DLQ and a subscription DLQ. */
  private subscribedQueue(id: string, maxReceiveCount: number, filterPolicy?: Record<string, sns.SubscriptionFilter>) {
    const fifoQueue = (qid: string, extra: Partial<sqs.QueueProps> = {}) =>
      new sqs.Queue(this, qid, {
        fifo: true,
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        ...extra,
      });
    const dlq = fifoQueue(`${id}Dlq`, { retentionPeriod: Duration.days(14) });
    const subscriptionDlq = fifoQueue(`${id}SubscriptionDlq`, { retentionPeriod: Duration.days(14) });
    const queue = fifoQueue(`${id}Queue`, {
      // Six times the consumer timeout, as Lambda recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: dlq, maxReceiveCount },
    });
    this.topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, deadLetterQueue: subscriptionDlq, filterPolicy }));
    return { queue, dlq, subscriptionDlq };
  }
}

/** The pattern as one stack, so the pipeline stage and the catalog product share it. */
export class SnsFifoJobsStack extends Stack {
  readonly jobs: SnsFifoJobs;
  constructor(scope: Construct, id: string, props: PatternStackProps<SnsFifoJobsParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'sns-fifo-jobs: event-driven jobs on SNS FIFO (platform-delivery)',
    });
    this.jobs = new SnsFifoJobs(this, 'Jobs', { parameters: props.parameters });
  }
}
