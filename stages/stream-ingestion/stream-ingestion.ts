import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { KinesisStreamsToLambda } from '@aws-solutions-constructs/aws-kinesisstreams-lambda';
import { LambdaToDynamoDB } from '@aws-solutions-constructs/aws-lambda-dynamodb';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { PatternFunction } from '../shared/pattern-function';
import { MAX_RECORD_AGE_HOURS, type StreamIngestionParameters } from './parameters';

/**
 * Sensor readings from Kinesis to DynamoDB: Solutions Constructs KinesisStreamsToLambda and
 * LambdaToDynamoDB sharing one Go function (arm64, provided.al2023, bundled locally).
 */
export class StreamIngestion extends Construct {
  readonly fn: lambda.Function;
  readonly stream: kinesis.Stream;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { parameters: StreamIngestionParameters }) {
    super(scope, id);
    const p = props.parameters;
    // Our overrides of the Solutions Constructs defaults (KMS key, provisioned table, retries) are
    // deliberate; their console notices would only pollute command output (plan --format json).
    process.env.overrideWarningsEnabled = 'false';
    const key = patternKey(this, 'Key', 'stream-ingestion: stream, table and logs');
    const ingest = new PatternFunction(this, 'Ingest', {
      entry: 'stream-ingestion/ingest',
      description: 'stream-ingestion: Kinesis records to DynamoDB, batched, with partial batch failures',
      timeout: Duration.seconds(60),
      memorySize: 256,
      logRetention: p.logRetentionDays,
      key,
      noVpcReason: 'Reads Kinesis through its event source mapping and writes DynamoDB over IAM; nothing private to reach, and a VPC would need endpoints or NAT per account and Region.',
      noDeadLetterReason:
        "Invoked by its Kinesis event source mapping, synchronously: records it gives up on go to the mapping's on-failure destination (FailedRecords, retention above the maximum record age). A DLQ catches asynchronous invocations only.",
    });
    this.fn = ingest.fn;
    const role = ingest.role;
    // Our own on-failure queue (the pattern's key, our alarm), instead of the construct's.
    const onFailure = deadLetterQueue(this, 'FailedRecords', key, 'the Kinesis event source (pointers to the records it gave up on)');
    const streamToFn = new KinesisStreamsToLambda(this, 'StreamToFunction', {
      existingLambdaObj: this.fn,
      // The stream keeps records well past the age at which the event source gives up on them, so the
      // pointers in the on-failure queue still lead to the records (README: replaying failed records).
      kinesisStreamProps: { shardCount: p.shards, encryption: kinesis.StreamEncryption.KMS, encryptionKey: key, retentionPeriod: Duration.hours(p.retentionHours) },
      kinesisEventSourceProps: {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: p.batchSize,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(MAX_RECORD_AGE_HOURS),
        onFailure: new SqsDlq(onFailure),
      },
      deploySqsDlqQueue: false,
      createCloudWatchAlarms: true,
    });
    this.stream = streamToFn.kinesisStream;
    const fnToTable = new LambdaToDynamoDB(this, 'FunctionToTable', {
      existingLambdaObj: this.fn,
      dynamoTableProps: {
        partitionKey: { name: 'partitionKey', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'timestamp', type: dynamodb.AttributeType.NUMBER },
        billingMode: dynamodb.BillingMode.PROVISIONED,
        readCapacity: p.readCapacity.min,
        writeCapacity: p.writeCapacity,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy: RemovalPolicy.RETAIN,
      },
      tablePermissions: 'Write',
      tableEnvironmentVariableName: 'TABLE_NAME',
    });
    this.table = fnToTable.dynamoTable;
    this.table.autoScaleReadCapacity({ minCapacity: p.readCapacity.min, maxCapacity: p.readCapacity.max }).scaleOnUtilization({ targetUtilizationPercent: p.readCapacity.targetPercent });
    this.table.autoScaleWriteCapacity({ minCapacity: p.writeCapacity, maxCapacity: p.writeScaling.max }).scaleOnUtilization({ targetUtilizationPercent: p.writeScaling.targetPercent });

    // The Solutions Constructs alarms (iterator age, read throughput) notify a topic.
    const alarms = notificationTopic(this, 'Alarms', key, 'stream-ingestion alarms');
    for (const alarm of streamToFn.cloudwatchAlarms ?? []) alarm.addAlarmAction(new cwActions.SnsAction(alarms));
    alarmOnWaitingMessages(this, 'FailedRecordsWaiting', onFailure, alarms, 'stream-ingestion: records the event source gave up on (see the on-failure queue)');

    Validations.of(role).acknowledge(
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
        reason: "Added by the DynamoDB write grant that LambdaToDynamoDB makes (tablePermissions: Write) for the table's customer-managed key; scoped to this pattern's key only.",
      })),
    );
    Validations.of(this.stream).acknowledge({ id: 'AwsSolutions::AwsSolutions-KDS3', reason: "Encrypted with this pattern's customer-managed, rotated key, which is stricter than aws/kinesis." });
  }
}

export class StreamIngestionStack extends Stack {
  readonly pattern: StreamIngestion;
  constructor(scope: Construct, id: string, props: PatternStackProps<StreamIngestionParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'stream-ingestion: Kinesis → Go Lambda → DynamoDB (platform-delivery)' });
    this.pattern = new StreamIngestion(this, 'Pattern', { parameters: props.parameters });
  }
}
