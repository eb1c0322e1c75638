import * as path from 'node:path';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { glueDatabaseArns, glueLogsStatement, glueSecurityConfiguration } from '../shared/glue';
import { deadLetterQueue, encryptedQueue, SQS_EVENT_SOURCE_REASONS } from '../shared/queues';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { PatternFunction, REPO_ROOT } from '../shared/pattern-function';
import { grantAssetRead } from '../shared/stackset-assets';
import { allowEventBridgeRules, patternKey } from '../shared/pattern-key';
import type { SpiceRefreshParameters } from './parameters';

const JOB_NAME = 'spice-refresh-csv-to-parquet';
const RULE_NAMES = { uploads: 'spice-refresh-uploads', succeeded: 'spice-refresh-job-succeeded', failed: 'spice-refresh-job-failed' };
const PROCESSED_PREFIX = 'processed/';
const NO_VPC_REASON = 'Calls only the Glue and QuickSight APIs over IAM; nothing private to reach, and a VPC would need endpoints per account and Region.';

/**
 * Event-driven SPICE refresh: uploads to the raw bucket start a Glue job (CSV → Parquet into the
 * processed bucket); when a run succeeds, the QuickSight datasets mapped to the job are refreshed;
 * failed, timed-out and stopped runs are notified.
 */
export class SpiceRefresh extends Construct {
  readonly raw: s3.Bucket;
  readonly processed: s3.Bucket;
  readonly job: glue.CfnJob;
  readonly database: glue.CfnDatabase;
  readonly notifications: sns.Topic;
  readonly startJob: PatternFunction;
  readonly refresh: PatternFunction;

  constructor(scope: Construct, id: string, props: { parameters: SpiceRefreshParameters }) {
    super(scope, id);
    const p = props.parameters;
    const stack = Stack.of(this);
    const key = patternKey(this, 'Key', 'spice-refresh: buckets, queues, topic, Glue logs and bookmarks');
    // EventBridge writes to the encrypted queue and topic for these rules only.
    allowEventBridgeRules(key, 'EventBridgeRulesOfThisPattern', Object.values(RULE_NAMES));

    // ------------------------------------------------------------------ zones and catalog
    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.raw = dataBucket(this, 'Raw', { key, accessLogs, accessLogsPrefix: 'raw/' });
    this.processed = dataBucket(this, 'Processed', { key, accessLogs, accessLogsPrefix: 'processed/' });
    this.database = new glue.CfnDatabase(this, 'Database', { catalogId: Aws.ACCOUNT_ID, databaseInput: { name: p.databaseName, description: 'spice-refresh: raw CSV and processed Parquet zones' } });
    const columns = p.columns.map((c) => ({ name: c.name, type: c.type }));
    const rawTable = new glue.CfnTable(this, 'RawTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: p.databaseName,
      tableInput: {
        name: 'raw',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'csv', 'skip.header.line.count': '1' },
        storageDescriptor: {
          columns,
          location: `s3://${this.raw.bucketName}/${p.incomingPrefix}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { separatorChar: ',', quoteChar: '"' } },
        },
      },
    });
    const processedTable = new glue.CfnTable(this, 'ProcessedTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: p.databaseName,
      tableInput: {
        name: 'processed',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'parquet' },
        storageDescriptor: {
          columns,
          location: `s3://${this.processed.bucketName}/${PROCESSED_PREFIX}`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    for (const t of [rawTable, processedTable]) t.node.addDependency(this.database);

    // ------------------------------------------------------------------ the Glue job
    const script = new Asset(this, 'Script', { path: path.join(REPO_ROOT, 'functions', 'spice-refresh', 'etl', 'csv_to_parquet.py') });
    const jobRole = new iam.Role(this, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'), description: 'spice-refresh: the CSV to Parquet Glue job' });
    // The script object only (CDK's grantRead would add wildcard actions); its key too in StackSet mode.
    grantAssetRead(this, jobRole, script);
    jobRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.raw.arnForObjects(`${p.incomingPrefix}*`)] }));
    jobRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.raw.bucketArn, this.processed.bucketArn] }));
    jobRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], resources: [this.processed.arnForObjects(`${PROCESSED_PREFIX}*`)] }));
    jobRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:BatchCreatePartition', 'glue:UpdateTable'],
        resources: glueDatabaseArns(this, p.databaseName),
      }),
    );
    jobRole.addToPolicy(glueLogsStatement());
    key.grant(jobRole, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt');
    const security = glueSecurityConfiguration(this, 'JobSecurity', `${JOB_NAME}-security`, key);
    this.job = new glue.CfnJob(this, 'Job', {
      name: JOB_NAME,
      description: 'spice-refresh: new CSV files of the raw zone → Parquet in the processed zone',
      role: jobRole.roleArn,
      glueVersion: '5.0',
      command: { name: 'glueetl', pythonVersion: '3', scriptLocation: script.s3ObjectUrl },
      workerType: p.workerType,
      numberOfWorkers: p.numberOfWorkers,
      timeout: p.timeoutMinutes,
      maxRetries: 0,
      executionProperty: { maxConcurrentRuns: 1 },
      securityConfiguration: security.ref,
      defaultArguments: {
        '--job-bookmark-option': 'job-bookmark-enable',
        '--enable-metrics': 'true',
        '--enable-continuous-cloudwatch-log': 'true',
        '--database': p.databaseName,
        '--raw_table': 'raw',
        '--processed_path': `s3://${this.processed.bucketName}/${PROCESSED_PREFIX}`,
      },
    });

    // ------------------------------------------------------------------ uploads → start the job
    const uploadsDlq = deadLetterQueue(this, 'UploadsDlq', key, 'the uploads queue and its rule');
    const uploads = encryptedQueue(this, 'Uploads', key, { visibilityTimeout: Duration.minutes(5), deadLetterQueue: { queue: uploadsDlq, maxReceiveCount: 12 } });
    new events.Rule(this, 'UploadsRule', {
      ruleName: RULE_NAMES.uploads,
      description: 'spice-refresh: CSV uploads to the raw zone',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [this.raw.bucketName] }, object: { key: [{ prefix: p.incomingPrefix }] } } },
      targets: [new targets.SqsQueue(uploads, { deadLetterQueue: uploadsDlq })],
    });
    this.startJob = new PatternFunction(this, 'StartJob', {
      entry: 'spice-refresh/start-job/index.ts',
      description: 'spice-refresh: starts the Glue job for new uploads',
      environment: { JOB_NAME, RAW_BUCKET: this.raw.bucketName, INCOMING_PREFIX: p.incomingPrefix },
      logRetention: p.logRetentionDays,
      key,
      noVpcReason: NO_VPC_REASON,
      noDeadLetterReason: SQS_EVENT_SOURCE_REASONS.function,
    });
    Validations.of(this.startJob.fn).acknowledge({ id: 'Serverless::Serverless-LambdaEventSourceMappingDestination', reason: SQS_EVENT_SOURCE_REASONS.mapping });
    this.startJob.fn.addEventSource(new SqsEventSource(uploads, { batchSize: 100, maxBatchingWindow: Duration.seconds(30), reportBatchItemFailures: true }));
    this.startJob.role.addToPolicy(new iam.PolicyStatement({ actions: ['glue:StartJobRun'], resources: [stack.formatArn({ service: 'glue', resource: 'job', resourceName: JOB_NAME })] }));
    key.grant(this.startJob.role, 'kms:Decrypt');

    // ------------------------------------------------------------------ run succeeded → refresh SPICE
    const refreshDlq = deadLetterQueue(this, 'RefreshDlq', key, 'the refresh function and its rule');
    this.refresh = new PatternFunction(this, 'Refresh', {
      entry: 'spice-refresh/refresh/index.ts',
      description: 'spice-refresh: refreshes the SPICE datasets mapped to the job',
      environment: { DATASET_MAP: JSON.stringify({ [JOB_NAME]: p.datasetIds }) },
      logRetention: p.logRetentionDays,
      key,
      deadLetterQueue: refreshDlq,
      noVpcReason: NO_VPC_REASON,
    });
    if (p.datasetIds.length > 0) {
      this.refresh.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['quicksight:CreateIngestion'],
          resources: p.datasetIds.map((d) => stack.formatArn({ service: 'quicksight', resource: 'dataset', resourceName: d })),
        }),
      );
    }
    key.grant(this.refresh.role, 'kms:GenerateDataKey');
    new events.Rule(this, 'SucceededRule', {
      ruleName: RULE_NAMES.succeeded,
      description: 'spice-refresh: a run of the job succeeded',
      eventPattern: { source: ['aws.glue'], detailType: ['Glue Job State Change'], detail: { jobName: [JOB_NAME], state: ['SUCCEEDED'] } },
      targets: [new targets.LambdaFunction(this.refresh.fn, { deadLetterQueue: refreshDlq, retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });

    // ------------------------------------------------------------------ failed, timed out, stopped → SNS
    this.notifications = notificationTopic(this, 'Notifications', key, 'spice-refresh job failures', p.notifyEmail);
    alarmOnWaitingMessages(this, 'UploadsDlqNotEmpty', uploadsDlq, this.notifications, 'spice-refresh: uploads that never started a job run (see the uploads DLQ)');
    alarmOnWaitingMessages(this, 'RefreshDlqNotEmpty', refreshDlq, this.notifications, 'spice-refresh: a SPICE refresh failed after its retries (see the refresh DLQ)');
    const notifyDlq = deadLetterQueue(this, 'NotifyDlq', key, 'the failure notification rule');
    alarmOnWaitingMessages(this, 'NotifyDlqNotEmpty', notifyDlq, this.notifications, 'spice-refresh: a job failure could not be published to the topic (see the notify DLQ)');
    new events.Rule(this, 'FailedRule', {
      ruleName: RULE_NAMES.failed,
      description: 'spice-refresh: a run of the job failed, timed out or was stopped',
      eventPattern: { source: ['aws.glue'], detailType: ['Glue Job State Change'], detail: { jobName: [JOB_NAME], state: ['FAILED', 'TIMEOUT', 'STOPPED'] } },
      targets: [
        new targets.SnsTopic(this.notifications, {
          deadLetterQueue: notifyDlq,
          message: events.RuleTargetInput.fromText(
            `Glue job ${events.EventField.fromPath('$.detail.jobName')} run ${events.EventField.fromPath('$.detail.jobRunId')} ended ${events.EventField.fromPath('$.detail.state')}: ${events.EventField.fromPath('$.detail.message')}`,
          ),
        }),
      ],
    });

    // ------------------------------------------------------------------ acknowledgements
    Validations.of(jobRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason:
        "Glue reads new files under the incoming prefix, writes Parquet under processed/ and its run logs under /aws-glue/, with names made per file and per run; tables are those of this pattern's database.",
    });
  }
}

export class SpiceRefreshStack extends Stack {
  readonly pattern: SpiceRefresh;
  constructor(scope: Construct, id: string, props: PatternStackProps<SpiceRefreshParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'spice-refresh: S3 → Glue CSV to Parquet → QuickSight SPICE refresh (platform-delivery)',
    });
    this.pattern = new SpiceRefresh(this, 'Pattern', { parameters: props.parameters });
  }
}
