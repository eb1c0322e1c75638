import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { MqConsumerStack } from '../../stages/mq-consumer/mq-consumer';
import { MqConsumerParameters } from '../../stages/mq-consumer/parameters';

const env = { account: '444444444444', region: 'us-east-1' };
const build = (parameters: unknown = {}) =>
  Template.fromStack(new MqConsumerStack(newApp({ guards: false }), 'Mq', { stackName: 'pattern-mq-consumer', parameters: MqConsumerParameters.parse(parameters), env }));

describe('mq-consumer stage', () => {
  const template = build();
  const statements = () => Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement) as { Action: string | string[]; Resource: unknown }[];

  it('runs a private, single-instance ActiveMQ broker on the current engine, encrypted with the pattern key', () => {
    template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      EngineType: 'ACTIVEMQ',
      EngineVersion: '5.19',
      AutoMinorVersionUpgrade: true,
      DeploymentMode: 'SINGLE_INSTANCE',
      HostInstanceType: 'mq.t3.micro',
      PubliclyAccessible: false,
      SubnetIds: [Match.anyValue()],
      EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: Match.anyValue() },
      Logs: { General: true, Audit: true },
    });
  });

  it('takes the broker user from a generated secret: nothing in plaintext', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{"username":"consumer"}', GenerateStringKey: 'password', PasswordLength: 32, ExcludeCharacters: Match.stringLikeRegexp(',:=') },
      KmsKeyId: Match.anyValue(),
    });
    const broker = Object.values(template.findResources('AWS::AmazonMQ::Broker'))[0];
    const user = JSON.stringify(broker.Properties.Users[0]);
    expect(user).toContain('{{resolve:secretsmanager:');
    expect(user).toContain(':SecretString:password::}}');
  });

  it('maps exactly one queue to the consumer, batch size 100, with BASIC_AUTH from the secret', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Broker'), 'Arn'] },
      Queues: ['myQueue'],
      BatchSize: 100,
      SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: { Ref: Match.stringLikeRegexp('BrokerCredentials') } }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), REJECTED_QUEUE_URL: Match.anyValue(), RETAIN_DAYS: '30' }) },
    });
  });

  it('gives the role exactly what the mapping and the handler need', () => {
    const byAction = new Map(statements().flatMap((s) => [s.Action].flat().map((a) => [a, s.Resource] as const)));
    expect(byAction.get('mq:DescribeBroker')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Broker/), 'Arn'] });
    expect(byAction.get('secretsmanager:GetSecretValue')).toEqual({ Ref: expect.stringMatching(/BrokerCredentials/) });
    expect(byAction.get('dynamodb:PutItem')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Messages/), 'Arn'] });
    expect(byAction.get('sqs:SendMessage')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Rejected/), 'Arn'] });
    for (const a of ['ec2:CreateNetworkInterface', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups']) expect(byAction.get(a)).toBe('*');
    for (const a of byAction.keys()) expect(a).not.toMatch(/\*/);
  });

  it('lets the pollers reach the broker on OpenWire TLS and the AWS APIs through endpoints, nothing else', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 61617, ToPort: 61617 });
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(endpoints).toHaveLength(3);
    for (const s of ['.lambda', '.sts', '.secretsmanager']) expect(endpoints.some((e) => e.includes(s))).toBe(true);
    // In the broker's one subnet only: no endpoint-hours in an AZ the pollers never use.
    for (const e of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) expect(e.Properties.SubnetIds).toHaveLength(1);
    expect(template.findResources('AWS::EC2::InternetGateway')).toEqual({});
    expect(template.findResources('AWS::EC2::NatGateway')).toEqual({});
  });

  it('keeps messages once per messageID with a TTL, and rejected ones on an encrypted FIFO queue', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'messageId', KeyType: 'HASH' }], TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, KmsMasterKeyId: Match.anyValue() });
  });

  it('keeps rejections too large for SQS in a private KMS bucket, writable by the consumer under rejected/ only, kept longer than the queue keeps pointers', () => {
    const [bucketId, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.includes('RejectedPayloads'))!;
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Prefix: 'rejected/', ExpirationInDays: 28, Status: 'Enabled' }));
    const byAction = new Map(statements().flatMap((s) => [s.Action].flat().map((a) => [a, s.Resource] as const)));
    expect(byAction.get('s3:PutObject')).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/rejected/*']] });
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.REJECTED_QUEUE_URL)!;
    expect(fn.Properties.Environment.Variables.REJECTED_BUCKET).toEqual({ Ref: bucketId });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('goes active/standby across two subnets on a larger instance when asked', () => {
    const t = build({ deploymentMode: 'active-standby' });
    t.hasResourceProperties('AWS::AmazonMQ::Broker', { DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ', HostInstanceType: 'mq.m5.large', SubnetIds: [Match.anyValue(), Match.anyValue()] });
  });

  it('refuses parameters the broker would refuse', () => {
    expect(MqConsumerParameters.safeParse({ deploymentMode: 'active-standby', instanceType: 'mq.t3.micro' }).error?.issues[0]).toMatchObject({
      path: ['instanceType'],
      message: expect.stringContaining('single-instance only'),
    });
    expect(MqConsumerParameters.safeParse({ engineVersion: '5.15' }).success).toBe(false);
    expect(MqConsumerParameters.safeParse({ batchSize: 10_001 }).success).toBe(false);
    expect(MqConsumerParameters.safeParse({ queue: 'my queue' }).success).toBe(false);
    expect(MqConsumerParameters.safeParse({ brokerPassword: 'x' }).success).toBe(false);
  });
  it('alarms to its encrypted topic as soon as a message waits in the rejected queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.map((a) => JSON.stringify(a.Properties.Dimensions[0].Value)).sort()).toEqual([expect.stringMatching(/Rejected/)]);
    for (const a of alarms) expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: expect.stringMatching(/^PatternAlarms/) }] });
  });
});
