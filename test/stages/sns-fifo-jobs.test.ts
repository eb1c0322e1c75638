import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { SnsFifoJobsParameters } from '../../stages/sns-fifo-jobs/parameters';
import { SnsFifoJobsStack } from '../../stages/sns-fifo-jobs/sns-fifo-jobs';
import { evaluate, stackIdentity } from '../support/intrinsics';

function synth(parameters: Record<string, unknown> = {}): Template {
  // Bundling is skipped here: these tests are about the resources; pipeline.test.ts bundles for real.
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'stage-')));
  const stack = new SnsFifoJobsStack(app, 'Jobs', { parameters: SnsFifoJobsParameters.parse(parameters), env: { account: '444444444444', region: 'us-east-1' } });
  return Template.fromStack(stack);
}

const idOf = (template: Template, type: string, props: object) => {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  return found[0];
};

describe('sns-fifo-jobs stage', () => {
  const template = synth();
  const topicId = idOf(template, 'AWS::SNS::Topic', { FifoTopic: true });
  const who = stackIdentity('platform-delivery-sns-fifo-jobs', '1b2c3d4e-0000-4000-8000-000000000001');
  const subscriptions = template.findResources('AWS::SNS::Subscription');
  const queues = template.findResources('AWS::SQS::Queue');

  it('has the <stack name>-JobEvents.fifo topic, FIFO, content-based dedup off, KMS-encrypted', () => {
    expect(evaluate(template.toJSON().Resources[topicId].Properties.TopicName, who)).toBe('platform-delivery-sns-fifo-jobs-JobEvents.fifo');
    template.hasResourceProperties('AWS::SNS::Topic', {
      FifoTopic: true,
      ContentBasedDeduplication: false,
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobsTopicKey'), 'Arn'] },
    });
  });

  it('filters the inventory subscription to JobCreated and JobDeleted; analytics gets everything', () => {
    const bySub = Object.values(subscriptions).map((s) => s.Properties);
    expect(bySub).toHaveLength(2);
    for (const s of bySub) expect(s).toMatchObject({ Protocol: 'sqs', RawMessageDelivery: true, TopicArn: { Ref: topicId } });
    const filtered = bySub.filter((s) => s.FilterPolicy);
    expect(filtered.map((s) => s.FilterPolicy)).toEqual([{ eventType: ['JobCreated', 'JobDeleted'] }]);
    expect(JSON.stringify(filtered[0].Endpoint)).toContain('InventoryQueue');
    expect(JSON.stringify(bySub.find((s) => !s.FilterPolicy)!.Endpoint)).toContain('AnalyticsQueue');
  });

  it('gives each consumer queue a DLQ after 3 receives, and each subscription its own DLQ', () => {
    for (const name of ['Analytics', 'Inventory']) {
      const [, queue] = Object.entries(queues).find(([id]) => id.startsWith(`Jobs${name}Queue`))!;
      expect(queue.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Jobs${name}Dlq`)), 'Arn'] },
        maxReceiveCount: 3,
      });
    }
    const subscriptionDlqs = Object.values(subscriptions).map((s) => s.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]);
    expect(subscriptionDlqs.sort()).toEqual([expect.stringMatching(/^JobsAnalyticsSubscriptionDlq/), expect.stringMatching(/^JobsInventorySubscriptionDlq/)]);
    expect(synth({ maxReceiveCount: 5 }).findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: { maxReceiveCount: 5 } } })).not.toEqual({});
  });

  it('makes every queue FIFO (but the publisher DLQ) and encrypts every queue with KMS', () => {
    const all = Object.entries(queues);
    expect(all).toHaveLength(7);
    for (const [id, q] of all) {
      expect([id, q.Properties.KmsMasterKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.stringMatching(/^JobsKey/), 'Arn'] }]);
      expect([id, q.Properties.FifoQueue === true]).toEqual([id, !id.startsWith('JobsPublisherFailures')]);
    }
  });

  it('lets only the topic send to its queues and their subscription DLQs, over TLS only', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).map((p) => p.Properties);
    const snsStatements = policies.flatMap((p) => p.PolicyDocument.Statement.filter((s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'sns.amazonaws.com'));
    expect(snsStatements).toHaveLength(4);
    for (const s of snsStatements) {
      expect(s).toMatchObject({ Effect: 'Allow', Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicId } } } });
    }
    for (const p of policies) {
      expect(p.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('stores analytics in a private, versioned, KMS-encrypted bucket and the inventory in a KMS-encrypted table with PITR', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'analytics/' }),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('runs three arm64 functions on the current Node LTS, with log retention of a year', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(fns).toHaveLength(3);
    for (const f of fns) expect(f).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x', Handler: 'index.handler' });
    for (const g of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(g.Properties.RetentionInDays).toBe(365);
  });

  it('consumes both queues with partial batch responses', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties);
    expect(mappings).toHaveLength(2);
    for (const m of mappings) expect(m).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('publishes on a schedule with a DLQ for events it cannot deliver', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobsPublisherFailures'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
    const other = synth({ publishEveryMinutes: 5, publisherEnabled: false });
    other.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' });
  });

  it('names the schedule rule per stack, and lets only that rule write undeliverable events with the key', () => {
    const rule = Object.values(template.findResources('AWS::Events::Rule'))[0];
    expect(evaluate(rule.Properties.Name, who)).toBe('sns-fifo-jobs-publisher-1b2c3d4e');
    const keyStatements = Object.values(template.findResources('AWS::KMS::Key')).flatMap((k) => k.Properties.KeyPolicy.Statement);
    const events = keyStatements.filter((st) => st.Principal?.Service === 'events.amazonaws.com');
    expect(events).toHaveLength(1);
    expect(evaluate(events[0].Condition.ArnEquals['aws:SourceArn'], who)).toBe('arn:aws:events:us-east-1:444444444444:rule/sns-fifo-jobs-publisher-1b2c3d4e');
  });

  it('grants no wildcard action, and a wildcard resource only for the analytics object prefix and X-Ray (whose calls take no ARN)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const s of statements) {
      for (const action of [s.Action].flat()) expect(action).not.toContain('*');
    }
    const wildcards = statements.filter((s) => JSON.stringify(s.Resource).includes('*'));
    const xray = wildcards.filter((s) => s.Resource === '*');
    // One X-Ray statement per function (tracing is active on all three).
    expect(xray).toHaveLength(3);
    for (const s of xray) expect([...s.Action].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const others = wildcards.filter((s) => s.Resource !== '*');
    expect(others.map((s) => s.Action)).toEqual(['s3:PutObject']);
    expect(JSON.stringify(others[0].Resource)).toContain('/jobs/*');
  });

  it('traces every function actively', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    for (const f of functions) expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });
});

describe('sns-fifo-jobs alarms', () => {
  const template = synth({ notifyEmail: 'jobs-team@example.com' });

  it('alarms to an encrypted topic, with notifyEmail subscribed, as soon as a message waits in any of its five DLQs', () => {
    const topics = template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'sns-fifo-jobs alarms' } });
    const [topicId] = Object.keys(topics);
    expect(Object.values(topics)[0].Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'jobs-team@example.com', TopicArn: { Ref: topicId } });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/^JobsAnalyticsDlq/),
      expect.stringMatching(/^JobsAnalyticsSubscriptionDlq/),
      expect.stringMatching(/^JobsInventoryDlq/),
      expect.stringMatching(/^JobsInventorySubscriptionDlq/),
      expect.stringMatching(/^JobsPublisherFailures/),
    ]);
    for (const a of alarms) expect(a.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [{ Ref: topicId }] });
  });
});
