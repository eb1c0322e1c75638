import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { ContentAggregatorStack } from '../../stages/content-aggregator/content-aggregator';
import { ContentAggregatorParameters } from '../../stages/content-aggregator/parameters';
import { synthesizedDefinition } from '../../worlds/asl';

const env = { account: '444444444444', region: 'us-east-1' };

describe('content-aggregator stage', () => {
  const template = Template.fromStack(
    new ContentAggregatorStack(newApp({ 'aws:cdk:bundling-stacks': [], guards: false }), 'Content', {
      parameters: ContentAggregatorParameters.parse({ repository: 'example-org/serverless-site' }),
      env,
    }),
  );
  const definition = synthesizedDefinition(template, env) as { States: Record<string, any> };

  it('is a Standard state machine with logs, tracing and a customer-managed key', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: Match.objectLike({ Type: 'CUSTOMER_MANAGED_KMS_KEY' }),
    });
  });

  it('maps over the feed links with the current ItemProcessor syntax, catching a failed page per item', () => {
    const map = definition.States.ForEachPost;
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor).toBeDefined();
    expect(map.Iterator).toBeUndefined();
    expect(map.ItemSelector).toEqual({ 'BlogUrl.$': '$$.Map.Item.Value', 'RepoBlogs.$': '$.repo.links' });
    expect(map.ItemProcessor.States.GetPostMetadata.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'PageFailed' }]);
    expect(map.ItemProcessor.States.IsListed.Choices[0]).toMatchObject({ Variable: '$.exists', BooleanEquals: true, Next: 'AlreadyListed' });
    expect(definition.States.WriteToGitHub.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['ShaConflictError'] })]));
  });

  it('gives the state machine invoke on exactly the six functions, nothing generated', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })] } } });
    const [roleId] = Object.keys(roles);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s: { Action: unknown }) => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(expect.arrayContaining(functions.map((f) => ({ 'Fn::GetAtt': [f, 'Arn'] }))));
    expect(invoke[0].Resource).toHaveLength(6);
  });

  it('runs every 2 hours with the feed URL as input, and reads the token from /GitHubAPIKey only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 hours)',
      Targets: [Match.objectLike({ Input: '{"feedUrl":"https://aws.amazon.com/blogs/compute/feed/"}', DeadLetterConfig: Match.anyValue() })],
    });
    const ssm = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => s.Action === 'ssm:GetParameter');
    expect(ssm).toHaveLength(2);
    for (const s of ssm) expect(JSON.stringify(s.Resource)).toContain(':parameter/GitHubAPIKey"');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TOKEN_PARAMETER: '/GitHubAPIKey', REPOSITORY: 'example-org/serverless-site', FILE_PATH: 'frontend/content.json' }) },
    });
  });

  it('alarms on failed runs to an encrypted topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, AlarmActions: [{ Ref: Match.stringLikeRegexp('Alarms') }] });
  });

  it('needs a repository and refuses bad parameters', () => {
    expect(ContentAggregatorParameters.safeParse({}).error?.issues[0].path).toEqual(['repository']);
    expect(ContentAggregatorParameters.safeParse({ repository: 'no-slash' }).success).toBe(false);
    expect(ContentAggregatorParameters.safeParse({ repository: 'o/r', feedUrl: 'http://insecure.example.com/feed' }).success).toBe(false);
    expect(ContentAggregatorParameters.safeParse({ repository: 'o/r', filePath: 'content.yaml' }).success).toBe(false);
  });
  it('alarms to its encrypted topic as soon as a message waits in the schedule DLQ', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.map((a) => JSON.stringify(a.Properties.Dimensions[0].Value)).sort()).toEqual([expect.stringMatching(/ScheduleDlq/)]);
    for (const a of alarms) expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: expect.stringMatching(/^PatternAlarms/) }] });
  });
});
