import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfigOrThrow } from '../../accounts/loader';
import { newApp } from '../../pipeline/app-context';
import { organizationContext } from '../../pipeline/organization-context';
import { BaselinerParameters } from '../../stages/baseliner/parameters';
import { BaselinerStage } from '../../stages/baseliner/stage';
import { BASELINE_EVENT_NAMES as STAGE_BASELINE_EVENTS } from '../../stages/baseliner/baseliner';
import { BASELINE_EVENT_NAMES as PARSED_BASELINE_EVENTS } from '../../functions/baseliner/shared/events';
import { baselinerDefinition, synthesizeBaseliner } from '../../worlds/baseliner-asl';
import { configFixture, replaceOnce } from '../support/config-fixture';
import { draftOf } from '../support/plan';

type State = { Type: string; Default?: string; Retry?: unknown[]; Catch?: unknown[]; MaxConcurrency?: number; ItemProcessor?: { States: Record<string, State> }; Resource?: string };

/** Every state of the definition, Map item processors included. */
function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, State], ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : [])]);
}

describe('baseliner stage', () => {
  const { template } = synthesizeBaseliner({ notifyEmail: 'platform-team@example.com', concurrency: 4 });
  const definition = baselinerDefinition(template) as { States: Record<string, State> };
  const states = allStates(definition.States);

  it('keeps config in a private, versioned, KMS-encrypted bucket and deploys baseline.yaml into it', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'config/' }),
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false });
  });

  it('listens for successful CreateManagedAccount and UpdateManagedAccount events', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.controltower'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventName: ['CreateManagedAccount', 'UpdateManagedAccount'],
          $or: [{ serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } } }, { serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } } }],
        },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 } })],
    });
  });

  it('runs the trigger on update files in the config bucket, and EventBridge may invoke it', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ wildcard: 'updates/*.yaml' }] } } },
    });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    // Five rules invoke it: account events, update files, MoveAccount, baseline events, the reconcile.
    expect(permissions.filter((p) => p.Principal === 'events.amazonaws.com')).toHaveLength(5);
    for (const p of permissions) expect(p.SourceArn).toBeDefined();
  });

  it('sends trigger failures to the topic after two retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { Ref: Match.stringLikeRegexp('^BaselinerReports') } } },
    });
  });

  it('tracks products in a KMS-encrypted table keyed by account and provision name, with PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'accountId', KeyType: 'HASH' },
        { AttributeName: 'provisionName', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    // Our roles (trigger, steps, workflow); CDK's BucketDeployment role is acknowledged separately.
    const ours = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => /^Baseliner(Trigger|Steps|Enrollment|Workflow)/.test(id));
    expect(ours.length).toBeGreaterThanOrEqual(4);
    const actions = ours.flatMap(([, p]) => p.Properties.PolicyDocument.Statement).flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions).toContain('dynamodb:Query');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
  });

  it('reports through a KMS-encrypted topic with the email subscribed, and alarms on failed executions', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform-team@example.com' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'failed + timedOut + aborted' })]),
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^BaselinerReports') }],
    });
  });

  it('is a Standard state machine with logs, tracing and a customer-managed key', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: Match.objectLike({ Type: 'CUSTOMER_MANAGED_KMS_KEY' }),
    });
  });

  it('gives every Choice a Default, and every Task a Retry on throttling and a Catch', () => {
    const choices = states.filter(([, s]) => s.Type === 'Choice');
    expect(choices.map(([n]) => n).sort()).toEqual(['AllDone?', 'CheckEnrollment?', 'DependenciesDone?', 'Enrolled?', 'RecordDone?']);
    for (const [name, s] of choices) expect([name, typeof s.Default]).toEqual([name, 'string']);
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([n]) => n).sort()).toEqual(['CheckEnrollment', 'NotEnrolled', 'PollRecord', 'PrepareProduct', 'ProductFailed', 'ProductSucceeded', 'Provision', 'ReportError', 'Summarize']);
    for (const [name, s] of tasks) {
      expect([name, JSON.stringify(s.Retry)]).toEqual([name, expect.stringContaining('ThrottlingException')]);
      expect([name, (s.Catch ?? []).length > 0]).toEqual([name, true]);
    }
  });

  it('runs levels one after another and the products of a level in parallel up to the concurrency', () => {
    expect(definition.States.DependencyLevels).toMatchObject({ Type: 'Map', MaxConcurrency: 1 });
    const level = definition.States.DependencyLevels.ItemProcessor!.States.ProductsOfLevel;
    expect(level).toMatchObject({ Type: 'Map', MaxConcurrency: 4 });
  });

  it('bounds the poll loop by polls (in the Choice) besides the clock (in the handler)', () => {
    expect(JSON.stringify(states.find(([n]) => n === 'RecordDone?')![1])).toContain('"NumericGreaterThanEqualsPath":"$.maxPolls"');
  });

  it('gates on enrollment first, bounded by maxChecks, and only when the trigger asks', () => {
    expect(definition).toMatchObject({ StartAt: 'CheckEnrollment?' });
    expect(JSON.stringify(definition.States['CheckEnrollment?'])).toContain('"BooleanEquals":true');
    expect(JSON.stringify(definition.States['Enrolled?'])).toContain('"NumericLessThanPath":"$.enrollment.maxChecks"');
    expect(definition.States['Enrolled?']).toMatchObject({ Default: 'EnrollmentGaveUp' });
    expect(definition.States.CheckEnrollment).toMatchObject({ InputPath: '$.enrollment', ResultPath: '$.enrollment', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NotEnrolled' }] });
  });

  it('asks Control Tower from a Go function on arm64 that may only list enabled baselines', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Architectures: ['arm64'], Handler: 'bootstrap', TracingConfig: { Mode: 'Active' } });
    const enrollment = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('BaselinerEnrollment'));
    const actions = enrollment.flatMap(([, p]) => p.Properties.PolicyDocument.Statement).flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(actions.filter((a: string) => a.startsWith('controltower:'))).toEqual(['controltower:ListEnabledBaselines']);
    const trigger = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.STATE_MACHINE_ARN)!;
    expect(trigger.Properties.Environment.Variables).toMatchObject({
      ORGANIZATION_ID: 'o-a1b2c3d4e5',
      ENROLLMENT_GATE: 'on',
      ENROLLMENT_MAX_CHECKS: '20',
      RECONCILE_MAX_STARTS: '25',
      RECONCILE_MAX_ATTEMPTS: '3',
    });
  });

  it('listens for the baseline events the trigger parses, no more and no fewer', () => {
    expect([...STAGE_BASELINE_EVENTS]).toEqual([...PARSED_BASELINE_EVENTS]);
  });

  it('listens for MoveAccount, Control Tower baseline events, and runs the reconcile hourly', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.organizations'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['organizations.amazonaws.com'], eventName: ['MoveAccount'] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.controltower'], detail: { eventName: ['EnableBaseline', 'ResetEnabledBaseline', 'UpdateEnabledBaseline'] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })] });
    const off = synthesizeBaseliner({ reconcileEveryMinutes: 0 }).template;
    expect(Object.values(off.findResources('AWS::Events::Rule')).filter((r) => r.Properties.ScheduleExpression)).toEqual([]);
  });

  it('ships governed.json (organization.yaml OUs) beside baseline.yaml, and the trigger may read it', () => {
    const statements = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('BaselinerTrigger'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(statements)).toContain('/governed.json');
    expect(JSON.stringify(statements)).toContain('dynamodb:BatchGetItem');
    expect(JSON.stringify(statements)).toContain('servicecatalog:SearchProvisionedProducts');
  });
});

describe('the baseliner’s undelivered events', () => {
  it('raise an alarm to its report topic as soon as one waits: a vended account would otherwise never be baselined', () => {
    const { template } = synthesizeBaseliner({ notifyEmail: 'platform-team@example.com' });
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Account baseliner' } }));
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')!;
    expect(alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).toMatch(/^BaselinerUndeliveredEvents/);
    expect(alarm.Properties).toMatchObject({ Threshold: 1, AlarmActions: [{ Ref: topicId }] });
  });
});

describe('the pipeline the baseliner starts after bootstrap', () => {
  const started = (template: ReturnType<typeof synthesizeBaseliner>['template']) => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables?.PIPELINE_NAME)
      .filter(Boolean);
    const grants = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => st.Action === 'codepipeline:StartPipelineExecution')
      .map((st: { Resource: unknown }) => JSON.stringify(st.Resource));
    return { functions, grants };
  };

  it('is this organization’s pipeline: pipeline.name, unless the baseliner names another', () => {
    const named = configFixture({ 'organization.yaml': replaceOnce('  branch: main\n', '  branch: main\n  name: data-platform\n') });
    const own = started(synthesizeBaseliner({ notifyEmail: 'platform-team@example.com' }, named).template);
    expect(own.functions).toEqual(['data-platform']);
    expect(own.grants).toEqual([expect.stringContaining(':data-platform"')]);
    const other = started(synthesizeBaseliner({ notifyEmail: 'platform-team@example.com', pipelineName: 'elsewhere' }, named).template);
    expect(other.functions).toEqual(['elsewhere']);
    expect(started(synthesizeBaseliner({ notifyEmail: 'platform-team@example.com' }).template).functions).toEqual(['platform-delivery']);
  });
});

describe('Organizations events outside us-east-1', () => {
  const stageFor = (homeRegion: string) => {
    const dir = configFixture({
      'organization.yaml': (text: string) =>
        replaceOnce('  homeRegion: us-east-1 ', `  homeRegion: ${homeRegion} `)(text).replace('arn:aws:codeconnections:us-east-1:', `arn:aws:codeconnections:${homeRegion}:`),
    });
    const config = loadConfigOrThrow(dir);
    const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'baseliner-stage-')));
    return new BaselinerStage(app, 'Platform', { env: { account: '111111111111', region: homeRegion }, parameters: BaselinerParameters.parse({}), organization: organizationContext(config) } as never);
  };

  it('are forwarded from us-east-1 to the home Region by a rule and a role, no Lambda, with a dead-letter queue and its alarm', () => {
    const stage = stageFor('eu-west-1');
    expect(stage.forwarder!.region).toBe('us-east-1');
    const t = Template.fromStack(stage.forwarder!);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.organizations'], detail: { eventName: ['MoveAccount'] } },
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':events:eu-west-1:')])] }, RoleArn: Match.anyValue(), DeadLetterConfig: Match.anyValue() })],
    });
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents' })] } });
    const [topic] = Object.keys(t.findResources('AWS::SNS::Topic'));
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [{ Ref: topic }] });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('need no forwarder when the home Region is us-east-1', () => {
    expect(stageFor('us-east-1').forwarder).toBeUndefined();
  });
});

describe('the baseliner in the plan', () => {
  const withoutOrgId = (delivery?: (t: string) => string) =>
    configFixture({
      'organization.yaml': replaceOnce('  organizationId: o-a1b2c3d4e5    # AWS Organizations id (org-scoped bucket policies, portfolio share)\n', ''),
      'delivery.yaml': (t: string) => (delivery ? delivery(t) : t).replace(/\n {6}- catalog\n|\n {6}- id: catalog[^\n]*\n/, '\n'),
    });

  it('refuses the enrollment gate without the organization id, and says how to fix it', () => {
    const issues = draftOf(withoutOrgId()).issues.filter((i) => i.path === 'management.organizationId');
    expect(issues.map((i) => `${i.problem} (${i.fix})`)).toEqual([
      "the baseliner's enrollment gate needs the organization id (add management.organizationId: o-…, or set the baseliner parameter enrollmentGate: false)",
    ]);
  });

  it('accepts it with enrollmentGate: false', () => {
    const dir = withoutOrgId(
      replaceOnce('        parameters: { notifyEmail: platform-team@example.com }\n', '        parameters: { notifyEmail: platform-team@example.com, enrollmentGate: false }\n'),
    );
    expect(draftOf(dir).issues.filter((i) => i.path === 'management.organizationId')).toEqual([]);
  });
});
