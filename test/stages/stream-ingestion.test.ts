import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { StreamIngestionParameters } from '../../stages/stream-ingestion/parameters';
import { StreamIngestionStack } from '../../stages/stream-ingestion/stream-ingestion';

describe('stream-ingestion stage (the Go function bundled locally, no Docker)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-'));
  const app = newApp({ guards: false }, outdir);
  const stack = new StreamIngestionStack(app, 'Stream', { parameters: StreamIngestionParameters.parse({}), env: { account: '444444444444', region: 'us-east-1' } });
  const template = Template.fromStack(stack);

  it('runs one Go function on arm64 provided.al2023, whose bootstrap binary is under 8 MiB', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      Environment: { Variables: { TABLE_NAME: Match.anyValue() } },
    });
    const assembly = app.synth();
    const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')).files as Record<string, { source: { path: string } }>;
    const binaries = Object.values(assets)
      .map((a) => path.join(assembly.directory, a.source.path, 'bootstrap'))
      .filter((f) => fs.existsSync(f));
    expect(binaries).toHaveLength(1);
    expect(fs.statSync(binaries[0]).size).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it('reads a KMS-encrypted stream with partial batch failures, bisecting and an on-failure queue', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() }, ShardCount: 1 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailedRecords'), 'Arn'] } } },
    });
  });

  it('writes to a table keyed partitionKey/timestamp, provisioned, with read auto scaling 1-50 at 50 %', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'partitionKey', KeyType: 'HASH' },
        { AttributeName: 'timestamp', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 5 },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 50, ScalableDimension: 'dynamodb:table:ReadCapacityUnits' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' } }),
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions).toContain('dynamodb:BatchWriteItem');
  });

  it('keeps records in the stream a day and more past the age at which the event source gives up, so failed records can be replayed', () => {
    const retention = Object.values(template.findResources('AWS::Kinesis::Stream'))[0].Properties.RetentionPeriodHours;
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties;
    expect(retention).toBe(168);
    expect(retention * 3600).toBeGreaterThanOrEqual(mapping.MaximumRecordAgeInSeconds + 24 * 3600);
    expect(() => StreamIngestionParameters.parse({ retentionHours: 24 })).toThrow();
  });

  it('scales writes too (the function only writes): from writeCapacity to 50 at 70 %', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 5, MaxCapacity: 50, ScalableDimension: 'dynamodb:table:WriteCapacityUnits' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBWriteCapacityUtilization' } }),
    });
    expect(() => StreamIngestionParameters.parse({ writeCapacity: 80, writeScaling: { max: 40 } })).toThrow(/writeScaling.max must be at least writeCapacity/);
  });

  it('lets the function’s role send to the on-failure queue (Lambda sends as the function)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const send = statements.filter((st: { Action: string | string[] }) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(send.map((st: { Resource: unknown }) => JSON.stringify(st.Resource))).toEqual([expect.stringMatching(/FailedRecords/)]);
  });

  it('encrypts the function’s environment and the on-failure queue with the pattern’s own key', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const [queue] = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(JSON.stringify(template.toJSON())).not.toContain('alias/aws/sqs');
  });

  it('sends its alarms to an encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^PatternAlarms/) }]);
  });
  it('alarms to its encrypted topic as soon as a message waits in the on-failure queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.map((a) => JSON.stringify(a.Properties.Dimensions[0].Value)).sort()).toEqual([expect.stringMatching(/FailedRecords/)]);
    for (const a of alarms) expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: expect.stringMatching(/^PatternAlarms/) }] });
  });
});
