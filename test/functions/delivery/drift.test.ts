/**
 * Scheduled drift detection: the synthesized state machine run with aws-local-stepfunctions, every
 * task the real step handler, CloudFormation, STS, S3 and SNS mocked with aws-sdk-client-mock. The
 * error paths: throttling (retried), access denied, a stack deleted meanwhile, a detection that
 * never finishes; then the report and its summary.
 */
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStackSetOperationCommand,
  DetectStackDriftCommand,
  DetectStackSetDriftCommand,
  ListStackInstanceResourceDriftsCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { StateMachine } from 'aws-local-stepfunctions';
import { classify, DRIFT_ERRORS, summaryText, buildReport } from '../../../functions/delivery/drift/drift';
import { runStep, type Clients } from '../../../functions/delivery/drift/index';
import { MalformedEventError } from '../../../functions/shared/malformed-event';
import { newApp } from '../../../pipeline/app-context';
import { DriftDetection, driftTargets, MAX_POLLS } from '../../../pipeline/operations/drift-detection';
import { accessLogsBucket } from '../../../stages/shared/buckets';
import { patternKey } from '../../../stages/shared/pattern-key';
import { synthesizedDefinition } from '../../../worlds/asl';
import { configFixture } from '../../support/config-fixture';
import { planOf } from '../../support/plan';

const env = { account: '111111111111', region: 'us-east-1' };
const plan = planOf(configFixture());
const stack = new Stack(newApp({ 'aws:cdk:bundling-stacks': [], guards: false }), 'Drift', { env });
const key = patternKey(stack, 'Key', 'drift test');
const detection = new DriftDetection(stack, 'DriftDetection', {
  plan,
  key,
  topic: new sns.Topic(stack, 'Topic', { masterKey: key }),
  accessLogs: accessLogsBucket(stack, 'AccessLogs'),
  schedule: events.Schedule.expression('cron(0 6 * * ? *)'),
});
const template = Template.fromStack(stack);
const definition = synthesizedDefinition(template, env);
const environment = { managementAccount: '111111111111', bucket: 'reports', topicArn: 'arn:aws:sns:us-east-1:111111111111:t', qualifier: 'hnb659fds' };

const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const clients = (): Clients => ({ sts: new STSClient({}), s3: new S3Client({}), sns: new SNSClient({}), cloudFormation: (region) => new CloudFormationClient({ region }) });

const PROD_EAST = { kind: 'stack', accountId: '666666666666', region: 'us-east-1', stackName: 'pattern-sns-fifo-jobs' } as const;
const PROD_WEST = { ...PROD_EAST, region: 'eu-west-1' } as const;
const DATA_LAKE = { kind: 'stackset', accountId: '111111111111', region: 'us-east-1', stackSetName: 'platform-delivery-dev-data-lake', callAs: 'SELF' } as const;

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });

/** The synthesized machine with its Targets state holding these targets instead of the plan's. */
async function run(targets: unknown[]) {
  const states = (definition as { States: Record<string, Record<string, unknown>> }).States;
  const machine = new StateMachine({ ...definition, States: { ...states, Targets: { ...states.Targets, Result: { targets } } } } as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const step = async (payload: unknown) => (await runStep(payload, clients(), environment, () => new Date('2026-12-03T06:00:00Z'))) as never;
  const names = ['StartDetection', 'CheckDetection', 'CollectDrift', 'WriteReport'];
  const execution = machine.run(
    {},
    {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(names.map((n) => [n, step])),
        retryIntervalOverrides: Object.fromEntries(names.map((n) => [n, 0])),
        waitTimeOverrides: { WaitForDetection: 0 },
      },
    },
  );
  return (await execution.result) as { report: string; counts: Record<string, number> };
}

beforeEach(() => {
  for (const m of [cfn, sts, s3, snsMock]) m.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
  cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-1' });
  cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: 'id', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_COMPLETE', Timestamp: new Date() });
  cfn.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
  cfn.on(DetectStackSetDriftCommand).resolves({ OperationId: 'op-1' });
  cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { OperationId: 'op-1', Status: 'SUCCEEDED' } });
  cfn.on(ListStackInstancesCommand).resolves({ Summaries: [] });
  s3.on(PutObjectCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
});

describe('the drift detection state machine, as synthesized', () => {
  it('targets every stages-mode stack and every StackSet of the plan, and reads them through the lookup roles only', () => {
    expect(driftTargets(plan)).toHaveLength(detection.targets.length);
    expect(detection.targets.filter((t) => t.kind === 'stackset')).toHaveLength(14);
    expect(detection.targets).toEqual(expect.arrayContaining([PROD_EAST, PROD_WEST, DATA_LAKE, { kind: 'stack', accountId: '111111111111', region: 'us-east-1', stackName: 'platform-baseliner' }]));
    const assumed = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => s.Action === 'sts:AssumeRole')
      .flatMap((s: { Resource: unknown }) => [s.Resource].flat());
    expect(assumed).toEqual(['arn:aws:iam::666666666666:role/cdk-hnb659fds-lookup-role-666666666666-eu-west-1', 'arn:aws:iam::666666666666:role/cdk-hnb659fds-lookup-role-666666666666-us-east-1']);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
    // The targets live in the definition (EventBridge target input holds 8 KB at most).
    expect((definition as { States: { Targets: { Result: unknown } } }).States.Targets.Result).toEqual({ targets: detection.targets });
  });

  it('reports drifted stacks and StackSet instances with their properties, writes the report to S3 and the summary to SNS', async () => {
    cfn
      .on(DescribeStackResourceDriftsCommand, { StackName: 'pattern-sns-fifo-jobs' })
      .resolvesOnce({
        StackResourceDrifts: [
          {
            StackId: 'id',
            LogicalResourceId: 'JobsQueue',
            ResourceType: 'AWS::SQS::Queue',
            StackResourceDriftStatus: 'MODIFIED',
            Timestamp: new Date(),
            PropertyDifferences: [{ PropertyPath: '/VisibilityTimeout', ExpectedValue: '30', ActualValue: '300', DifferenceType: 'NOT_EQUAL' }],
          },
        ],
      })
      .resolves({ StackResourceDrifts: [] });
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [{ Account: '444444444444', Region: 'us-east-1', StackSetId: 's' }] });
    cfn.on(ListStackInstanceResourceDriftsCommand).resolves({
      Summaries: [{ StackId: 'id', LogicalResourceId: 'RawBucket', ResourceType: 'AWS::S3::Bucket', StackResourceDriftStatus: 'DELETED', Timestamp: new Date() }],
    });
    const result = await run([PROD_EAST, PROD_WEST, DATA_LAKE]);
    expect(result.counts).toEqual({ DRIFTED: 2, IN_SYNC: 1, UNREADABLE: 0, DELETED: 0, FAILED: 0, TIMED_OUT: 0 });
    expect(result.report).toBe('s3://reports/drift/2026-12-03/2026-12-03T06:00:00.000Z.json');
    const body = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);
    expect(body.drifted.map((d: { target: { kind: string } }) => d.target.kind).sort()).toEqual(['stack', 'stackset']);
    expect(body.drifted.find((d: { target: { kind: string } }) => d.target.kind === 'stack').resources[0].properties).toEqual([
      { path: '/VisibilityTimeout', expected: '30', actual: '300', difference: 'NOT_EQUAL' },
    ]);
    const message = snsMock.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message).toContain('2 drifted, 1 in sync');
    expect(message).toContain('DRIFTED stack pattern-sns-fifo-jobs in 666666666666 us-east-1: JobsQueue (MODIFIED)');
    expect(message).toContain('RawBucket@444444444444/us-east-1 (DELETED)');
    expect(cfn.commandCalls(DetectStackSetDriftCommand)[0].args[0].input).toMatchObject({ StackSetName: 'platform-delivery-dev-data-lake', CallAs: 'SELF' });
  });

  it('retries throttling with back-off and then completes', async () => {
    cfn.on(DetectStackDriftCommand).rejectsOnce(awsError('Throttling', 'Rate exceeded')).rejectsOnce(awsError('Throttling', 'Rate exceeded')).resolves({ StackDriftDetectionId: 'det-1' });
    const result = await run([PROD_EAST]);
    expect(result.counts).toMatchObject({ IN_SYNC: 1 });
    expect(cfn.commandCalls(DetectStackDriftCommand)).toHaveLength(3);
  });

  it('records an account whose role it may not assume as UNREADABLE, and a stack deleted meanwhile as DELETED; the others go on', async () => {
    sts
      .on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::666666666666:role/cdk-hnb659fds-lookup-role-666666666666-eu-west-1' })
      .rejects(awsError('AccessDenied', 'not authorized to perform sts:AssumeRole'));
    cfn.on(DescribeStackResourceDriftsCommand).rejects(awsError('ValidationError', 'Stack with id pattern-sns-fifo-jobs does not exist'));
    const result = await run([PROD_EAST, PROD_WEST, DATA_LAKE]);
    expect(result.counts).toMatchObject({ UNREADABLE: 1, DELETED: 1, IN_SYNC: 1 });
    const message = snsMock.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message).toMatch(/UNREADABLE stack pattern-sns-fifo-jobs in 666666666666 eu-west-1: .*not authorized/);
    expect(message).toMatch(/DELETED stack pattern-sns-fifo-jobs in 666666666666 us-east-1: .*does not exist/);
  });

  it('gives up on a detection that never finishes after a bounded number of checks', async () => {
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: 'id', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_IN_PROGRESS', Timestamp: new Date() });
    const result = await run([PROD_EAST]);
    expect(result.counts).toMatchObject({ TIMED_OUT: 1 });
    expect(cfn.commandCalls(DescribeStackDriftDetectionStatusCommand)).toHaveLength(MAX_POLLS);
  });

  it('records any other error as FAILED without stopping the run', async () => {
    cfn.on(DetectStackSetDriftCommand).rejects(awsError('OperationInProgressException', 'another operation is running'));
    const result = await run([DATA_LAKE, PROD_EAST]);
    expect(result.counts).toMatchObject({ FAILED: 1, IN_SYNC: 1 });
  });
});

describe('the step handler and its pure parts', () => {
  it('refuses an event that is not a step, and a target with an 11-digit account', async () => {
    await expect(runStep({}, clients(), environment)).rejects.toThrow(MalformedEventError);
    await expect(runStep({ step: 'start', target: { ...PROD_EAST, accountId: '66666666666' } }, clients(), environment)).rejects.toThrow(/target.accountId/);
    expect(cfn.calls()).toHaveLength(0);
  });
  it('classifies AWS errors for the state machine', () => {
    expect(classify(awsError('ThrottlingException', 'x'), 't').name).toBe(DRIFT_ERRORS.throttled);
    expect(classify(awsError('AccessDeniedException', 'x'), 't').name).toBe(DRIFT_ERRORS.accessDenied);
    expect(classify(awsError('StackSetNotFoundException', 'x'), 't').name).toBe(DRIFT_ERRORS.gone);
    expect(classify(awsError('ValidationError', 'Template format error'), 't').name).toBe('ValidationError');
  });
  it('summarizes an empty run plainly', () => {
    expect(summaryText(buildReport([], new Date('2026-12-03T06:00:00Z')), 's3://b/k')).toMatch(/^Drift detection of 0 stacks and StackSets \(2026-12-03T06:00:00.000Z\): 0 drifted/);
  });
});
