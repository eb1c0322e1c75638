import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { DataLakeStack } from '../../stages/data-lake/data-lake';
import { DataLakeParameters } from '../../stages/data-lake/parameters';

const env = { account: '444444444444', region: 'us-east-1' };
const build = (parameters: unknown = {}) =>
  Template.fromStack(new DataLakeStack(newApp({ 'aws:cdk:bundling-stacks': [], guards: false }), 'Lake', { parameters: DataLakeParameters.parse(parameters), env }));
const FULL = { dms: { enabled: true, sourceSecretArn: 'arn:aws:secretsmanager:us-east-1:444444444444:secret:sis-AbCdEf', databaseName: 'sis' }, redshift: { enabled: true } };

describe('data-lake stage', () => {
  const template = build({ notifyEmail: 'data-team@example.edu' });

  it('syncs daily with the DAP credentials from Secrets Manager, one run at a time, failures to a DLQ', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"clientId":"REPLACE_ME"}', GenerateStringKey: 'clientSecret' }),
      KmsKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      ReservedConcurrentExecutions: 1,
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: { Variables: Match.objectLike({ TABLES: 'accounts,courses,enrollments,users', NAMESPACE: 'canvas', PREFIX: 'lms/' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 5 * * ? *)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }) })],
    });
  });

  it('gives the sync function the raw zone prefixes, its secret and the summary topic only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement) as { Action: string | string[]; Resource: unknown }[];
    const byAction = new Map(statements.flatMap((s) => [s.Action].flat().map((a) => [a, JSON.stringify(s.Resource)] as const)));
    expect(byAction.get('secretsmanager:GetSecretValue')).toMatch(/DapCredentials/);
    expect(byAction.get('sns:Publish')).toMatch(/LoadSummary/);
    expect(byAction.get('s3:PutObject')).toContain('/lms/*');
    expect(byAction.get('s3:PutObject')).toContain('/_state/*');
    for (const a of byAction.keys()) expect(a).not.toMatch(/\*/);
  });

  it('catalogs the raw zone with an encrypted crawler an hour after the sync', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'data_lake' }) });
    template.hasResourceProperties('AWS::Glue::Crawler', {
      DatabaseName: 'data_lake',
      Schedule: { ScheduleExpression: 'cron(30 6 * * ? *)' },
      CrawlerSecurityConfiguration: Match.anyValue(),
      Targets: { S3Targets: [{ Path: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }] },
    });
  });

  it('has an Athena workgroup that enforces encrypted results in its own bucket and a scan limit', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: { OutputLocation: Match.anyValue(), EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() } },
      }),
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(3);
  });

  it('sends the load summary to an encrypted topic with the email subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'data-team@example.edu' });
  });

  it('creates no VPC, DMS or Redshift by default', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::DMS::ReplicationConfig', 'AWS::RedshiftServerless::Workgroup']) expect(template.findResources(type)).toEqual({});
  });

  it('adds DMS Serverless (full load and changes to sis/ as Parquet) and Redshift Serverless when asked', () => {
    const t = build(FULL);
    t.hasResourceProperties('AWS::DMS::ReplicationConfig', { ReplicationType: 'full-load-and-cdc', ComputeConfig: Match.objectLike({ MaxCapacityUnits: 4 }) });
    t.hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointType: 'source',
      EngineName: 'postgres',
      SslMode: 'require',
      PostgreSqlSettings: { SecretsManagerSecretId: FULL.dms.sourceSecretArn, SecretsManagerAccessRoleArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::DMS::Endpoint', {
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: Match.objectLike({ BucketFolder: 'sis', DataFormat: 'parquet', EncryptionMode: 'SSE_KMS' }),
    });
    t.hasResourceProperties('AWS::RedshiftServerless::Namespace', { ManageAdminPassword: true, KmsKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { BaseCapacity: 8, PubliclyAccessible: false, SubnetIds: [Match.anyValue(), Match.anyValue(), Match.anyValue()] });
    expect(t.findResources('AWS::EC2::InternetGateway')).toEqual({});
  });

  it('refuses DMS without its source, and bad tables', () => {
    expect(DataLakeParameters.safeParse({ dms: { enabled: true } }).error?.issues[0].message).toContain('dms.enabled needs dms.sourceSecretArn and dms.databaseName');
    expect(DataLakeParameters.safeParse({ tables: ['Courses'] }).success).toBe(false);
    expect(DataLakeParameters.safeParse({ redshift: { enabled: true, baseCapacityRpus: 12 } }).success).toBe(false);
    expect(DataLakeParameters.safeParse({ dms: { enabled: false, password: 'x' } }).success).toBe(false);
  });
  it('alarms to its encrypted topic as soon as a message waits in the sync DLQ', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.map((a) => JSON.stringify(a.Properties.Dimensions[0].Value)).sort()).toEqual([expect.stringMatching(/SyncFailures/)]);
    for (const a of alarms)
      expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: expect.stringMatching(/^PatternLoadSummary/) }] });
  });
});
