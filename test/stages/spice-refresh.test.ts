import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { SpiceRefreshParameters } from '../../stages/spice-refresh/parameters';
import { SpiceRefreshStack } from '../../stages/spice-refresh/spice-refresh';
import { PATTERNS } from '../../pipeline/registry';

const env = { account: '444444444444', region: 'us-east-1' };
const build = (parameters: unknown = {}) => Template.fromStack(new SpiceRefreshStack(newApp({ guards: false }), 'Spice', { parameters: SpiceRefreshParameters.parse(parameters), env }));

describe('spice-refresh stage', () => {
  const template = build({ datasetIds: ['trips', 'zones'], notifyEmail: 'bi@example.com' });
  const statements = () => Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement) as { Action: string | string[]; Resource: unknown }[];

  it('runs the script as a Glue 5.0 job, one run at a time, with bookmarks and a KMS security configuration', () => {
    template.hasResourceProperties('AWS::Glue::Job', {
      Name: 'spice-refresh-csv-to-parquet',
      GlueVersion: '5.0',
      Command: { Name: 'glueetl', PythonVersion: '3', ScriptLocation: Match.stringLikeRegexp('^s3://') },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      SecurityConfiguration: Match.anyValue(),
      DefaultArguments: Match.objectLike({ '--job-bookmark-option': 'job-bookmark-enable', '--database': 'spice_refresh', '--raw_table': 'raw' }),
    });
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: {
        S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: Match.anyValue() }],
        CloudWatchEncryption: Match.objectLike({ CloudWatchEncryptionMode: 'SSE-KMS' }),
        JobBookmarksEncryption: Match.objectLike({ JobBookmarksEncryptionMode: 'CSE-KMS' }),
      },
    });
  });

  it('catalogs the raw CSV and processed Parquet zones in one database', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'spice_refresh', Description: Match.anyValue() } });
    template.hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Name: 'raw', Parameters: { classification: 'csv', 'skip.header.line.count': '1' } }) });
    template.hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Name: 'processed', Parameters: { classification: 'parquet' } }) });
  });

  it('routes CSV uploads through a queue with a DLQ to the start-job function, with partial batch failures', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'spice-refresh-uploads',
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [Match.anyValue()] }, object: { key: [{ prefix: 'incoming/' }] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 12 }, VisibilityTimeout: 300 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 100 });
  });

  it('refreshes the mapped datasets on SUCCEEDED, and may ingest into those datasets only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { jobName: ['spice-refresh-csv-to-parquet'], state: ['SUCCEEDED'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DATASET_MAP: '{"spice-refresh-csv-to-parquet":["trips","zones"]}' }) } });
    const ingest = statements().find((s) => s.Action === 'quicksight:CreateIngestion');
    expect(JSON.stringify(ingest?.Resource)).toMatch(/dataset\/trips.*dataset\/zones/);
    const start = statements().find((s) => s.Action === 'glue:StartJobRun');
    expect(JSON.stringify(start?.Resource)).toContain(':job/spice-refresh-csv-to-parquet');
    for (const s of statements()) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
  });

  it('sends FAILED, TIMEOUT and STOPPED runs to an encrypted topic with the email subscribed', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { jobName: ['spice-refresh-csv-to-parquet'], state: ['FAILED', 'TIMEOUT', 'STOPPED'] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Notifications') }, DeadLetterConfig: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'bi@example.com' });
  });

  it('gives the refresh function no QuickSight permission when no dataset is mapped', () => {
    const t = build();
    const actions = Object.values(t.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions).not.toContain('quicksight:CreateIngestion');
  });

  it('refuses Regions without QuickSight and bad parameters', () => {
    const def = PATTERNS.find((p) => p.id === 'spice-refresh')!;
    const org = { managementAccount: '111111111111', homeRegion: 'us-east-1', pipelineName: 'platform-delivery', regions: ['us-east-1'], organizationalUnits: [], accounts: [] };
    expect(def.targetRule!(SpiceRefreshParameters.parse({}), { accountName: 'dev', accountId: '444444444444', region: 'us-west-1' }, org)).toMatchObject({
      problem: expect.stringContaining('QuickSight'),
    });
    expect(def.targetRule!(SpiceRefreshParameters.parse({}), { accountName: 'dev', accountId: '444444444444', region: 'eu-west-1' }, org)).toBeUndefined();
    expect(SpiceRefreshParameters.safeParse({ datasetIds: ['has space'] }).success).toBe(false);
    expect(SpiceRefreshParameters.safeParse({ incomingPrefix: 'no-slash' }).success).toBe(false);
    expect(SpiceRefreshParameters.safeParse({ columns: [{ name: 'A', type: 'string' }] }).success).toBe(false);
  });
  it('alarms to its encrypted topic as soon as a message waits in any of its DLQs (uploads, refresh, notifications)', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.map((a) => JSON.stringify(a.Properties.Dimensions[0].Value)).sort()).toEqual([
      expect.stringMatching(/NotifyDlq/),
      expect.stringMatching(/RefreshDlq/),
      expect.stringMatching(/UploadsDlq/),
    ]);
    for (const a of alarms)
      expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: expect.stringMatching(/^PatternNotifications/) }] });
  });
});

describe('spice-refresh ETL script', () => {
  it('is valid Python', () => {
    const python = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');
    const script = path.resolve(__dirname, '..', '..', 'functions', 'spice-refresh', 'etl', 'csv_to_parquet.py');
    expect(fs.existsSync(script)).toBe(true);
    const source = fs.readFileSync(script, 'utf8');
    expect(() => execFileSync(python, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: source })).not.toThrow();
    // The bookmark only works when both sides carry a transformation_ctx and the job commits.
    expect(source).toMatch(/transformation_ctx="raw"/);
    expect(source).toMatch(/job\.commit\(\)/);
  });
});
