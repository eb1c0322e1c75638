/**
 * The bake gate on CodePipeline's own sample job event (aws-lambda-go's testdata), with the AWS
 * calls mocked: the previous wave's stage state, the lookup role, each account's alarms and their
 * history, and CodePipeline's job result.
 */
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient, GetPipelineStateCommand, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { judgeBake, wentToAlarm } from '../../../functions/delivery/bake-gate/judge';
import { CHECK_EVERY_MS, runGate, type Clients, type Runtime } from '../../../functions/delivery/bake-gate/index';
import { awsSampleEvent } from '../../fixtures/aws-samples';

const codePipeline = mockClient(CodePipelineClient);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
const cloudWatch = mockClient(CloudWatchClient);
const env = { pipelineName: 'platform-delivery', topicArn: 'arn:aws:sns:us-east-1:111111111111:notifications', qualifier: 'hnb659fds' };
const PARAMETERS = {
  wave: 'dev',
  stages: ['dev'],
  minutes: 60,
  targets: [
    ['222222222222', 'us-east-1', ['StackSet-platform-delivery-dev-']],
    ['333333333333', 'eu-west-1', ['StackSet-platform-delivery-dev-']],
  ],
};
const DEPLOYED = new Date('2026-12-03T10:00:00Z');

function jobEvent(userParameters: string): Record<string, unknown> {
  const event = awsSampleEvent('codepipeline-job-event.json') as { 'CodePipeline.job': { data: { actionConfiguration: { configuration: Record<string, string> } } } };
  event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters = userParameters;
  return event;
}

const clients = (): Clients => ({ codePipeline: new CodePipelineClient({}), sns: new SNSClient({}), sts: new STSClient({}), cloudWatch: (region) => new CloudWatchClient({ region }) });

/** A clock that the gate's sleeps move forward; the function has `budgetMs` left at the start. */
function clock(start: Date, budgetMs = 14 * 60_000): Runtime & { slept: number[] } {
  let t = start.getTime();
  const end = t + budgetMs;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(t),
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    remainingMs: () => end - t,
  };
}

function stageSucceeded(at = DEPLOYED, status: 'Succeeded' | 'Failed' | 'InProgress' = 'Succeeded') {
  codePipeline.on(GetPipelineStateCommand).resolves({
    stageStates: [
      { stageName: 'platform', latestExecution: { status: 'Succeeded', pipelineExecutionId: 'e1' }, actionStates: [] },
      {
        stageName: 'dev',
        latestExecution: { status, pipelineExecutionId: 'e1' },
        actionStates: [
          { actionName: 'a', latestExecution: { status, lastStatusChange: new Date(at.getTime() - 60_000) } },
          { actionName: 'b', latestExecution: { status, lastStatusChange: at } },
        ],
      },
    ],
  });
}

beforeEach(() => {
  for (const m of [codePipeline, sns, sts, cloudWatch]) m.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
  cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
  codePipeline.on(PutJobSuccessResultCommand).resolves({});
  codePipeline.on(PutJobFailureResultCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

describe('the bake gate', () => {
  it('passes once the wave has baked its minutes with every alarm OK, reading each sampled account through its lookup role', async () => {
    stageSucceeded();
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(new Date(DEPLOYED.getTime() + 61 * 60_000)));
    expect(result.verdict).toBe('pass');
    expect(codePipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input).toEqual({
      jobId: '11111111-abcd-1111-abcd-111111abcdef',
      executionDetails: { summary: expect.stringContaining('baked 60 min') },
    });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws:iam::222222222222:role/cdk-hnb659fds-lookup-role-222222222222-us-east-1',
      'arn:aws:iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1',
    ]);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNamePrefix: 'StackSet-platform-delivery-dev-', StateValue: 'ALARM' });
    // The history is read from the moment the wave finished: the last action's change.
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand)[0].args[0].input.StartDate).toEqual(DEPLOYED);
  });

  it('waits while baking, checking every few minutes, then passes within one call when the bake ends in time', async () => {
    stageSucceeded();
    const runtime = clock(new Date(DEPLOYED.getTime() + 55 * 60_000));
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, runtime);
    expect(result.verdict).toBe('pass');
    expect(runtime.slept).toEqual([CHECK_EVERY_MS, CHECK_EVERY_MS, 60_000]);
    expect(codePipeline.commandCalls(PutJobSuccessResultCommand)).toHaveLength(1);
  });

  it('hands CodePipeline a continuation token before its own time runs out, while the bake goes on', async () => {
    stageSucceeded();
    const runtime = clock(new Date(DEPLOYED.getTime() + 5 * 60_000), 6 * 60_000);
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, runtime);
    expect(result.verdict).toBe('wait');
    const input = codePipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input;
    expect(JSON.parse(input.continuationToken!)).toEqual({ wave: 'dev' });
    expect(input.executionDetails?.summary).toMatch(/baking: \d+ of 60 min/);
    expect(codePipeline.commandCalls(PutJobFailureResultCommand)).toHaveLength(0);
  });

  it('fails at once, naming the wave, the accounts and the alarms, when an alarm is in ALARM; and tells the platform team', async () => {
    stageSucceeded();
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'StackSet-platform-delivery-dev-sns-fifo-jobs-abc-DlqAlarm-1' }] })
      .resolves({ MetricAlarms: [] });
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(new Date(DEPLOYED.getTime() + 10 * 60_000)));
    expect(result.verdict).toBe('fail');
    const failure = codePipeline.commandCalls(PutJobFailureResultCommand)[0].args[0].input;
    expect(failure.failureDetails).toEqual({ type: 'JobFailed', message: expect.stringContaining('StackSet-platform-delivery-dev-sns-fifo-jobs-abc-DlqAlarm-1 (222222222222 us-east-1)') });
    const notice = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(notice.TopicArn).toBe(env.topicArn);
    expect(notice.Message).toContain('Accounts: 222222222222');
    expect(notice.Message).toContain('Alarm: StackSet-platform-delivery-dev-sns-fifo-jobs-abc-DlqAlarm-1 in 222222222222 us-east-1');
  });

  it('fails when a watched alarm went to ALARM during the bake, even though it is OK again; other alarms in the history do not count', async () => {
    stageSucceeded();
    cloudWatch
      .on(DescribeAlarmHistoryCommand)
      .resolvesOnce({
        AlarmHistoryItems: [
          { AlarmName: 'someone-elses-alarm', HistoryItemType: 'StateUpdate', HistoryData: JSON.stringify({ newState: { stateValue: 'ALARM' } }) },
          {
            AlarmName: 'StackSet-platform-delivery-dev-data-lake-x-Errors-2',
            HistoryItemType: 'StateUpdate',
            HistoryData: JSON.stringify({ oldState: { stateValue: 'ALARM' }, newState: { stateValue: 'OK' } }),
          },
          {
            AlarmName: 'StackSet-platform-delivery-dev-data-lake-x-Errors-2',
            HistoryItemType: 'StateUpdate',
            HistoryData: JSON.stringify({ oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM' } }),
          },
        ],
        NextToken: 'more',
      })
      .resolves({ AlarmHistoryItems: [] });
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(new Date(DEPLOYED.getTime() + 90 * 60_000)));
    expect(result).toMatchObject({ verdict: 'fail', summary: expect.stringContaining('1 alarm(s) went to ALARM during the bake') });
    expect(result.summary).not.toContain('someone-elses-alarm');
    // The second page was read (bounded by MAX_PAGES).
    expect(cloudWatch.commandCalls(DescribeAlarmHistoryCommand).length).toBeGreaterThanOrEqual(2);
  });

  it('fails closed when an account’s alarms cannot be read (lookup role not trusted), saying which and why', async () => {
    stageSucceeded();
    const denied = Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1' }).rejects(denied);
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(new Date(DEPLOYED.getTime() + 90 * 60_000)));
    expect(result.verdict).toBe('fail');
    expect(result.summary).toContain('333333333333 eu-west-1: AccessDenied: User is not authorized');
  });

  it('fails when the previous wave has not succeeded, without reading any account', async () => {
    stageSucceeded(DEPLOYED, 'Failed');
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(DEPLOYED));
    expect(result).toMatchObject({ verdict: 'fail', summary: 'wave dev has not deployed: dev is Failed' });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('still fails the job when the notice cannot be sent', async () => {
    stageSucceeded(DEPLOYED, 'InProgress');
    sns.on(PublishCommand).rejects(new Error('KMS key disabled'));
    const result = await runGate(jobEvent(JSON.stringify(PARAMETERS)), clients(), env, clock(DEPLOYED));
    expect(result.verdict).toBe('fail');
    expect(codePipeline.commandCalls(PutJobFailureResultCommand)).toHaveLength(1);
  });

  it('answers a job with bad parameters with a configuration error, and reads nothing', async () => {
    for (const bad of ['some-input-such-as-a-URL', JSON.stringify({ ...PARAMETERS, targets: [['12345678901', 'us-east-1', ['x']]] }), JSON.stringify({ ...PARAMETERS, extra: 1 })]) {
      codePipeline.resetHistory();
      const result = await runGate(jobEvent(bad), clients(), env, clock(DEPLOYED));
      expect(result.verdict).toBe('malformed');
      expect(codePipeline.commandCalls(PutJobFailureResultCommand)[0].args[0].input.failureDetails?.type).toBe('ConfigurationError');
      expect(codePipeline.commandCalls(GetPipelineStateCommand)).toHaveLength(0);
    }
  });

  it('ignores an event that is not a CodePipeline job: there is no job to answer', async () => {
    for (const event of [{}, { 'CodePipeline.job': { id: 'x' } }, awsSampleEvent('codepipeline-execution-state-change-event.json')]) {
      const result = await runGate(event, clients(), env, clock(DEPLOYED));
      expect(result.verdict).toBe('malformed');
    }
    expect(codePipeline.calls()).toHaveLength(0);
  });
});

describe('judgeBake and wentToAlarm, pure', () => {
  const base = { now: new Date(DEPLOYED.getTime() + 30 * 60_000), bakeStartedAt: DEPLOYED, stagesNotSucceeded: [], minutes: 30, firing: [], firedDuringBake: [], unreadable: [] };
  it('passes exactly at the end of the bake, and waits the remaining time before it', () => {
    expect(judgeBake(base, 'dev').verdict).toBe('pass');
    expect(judgeBake({ ...base, minutes: 31 }, 'dev')).toMatchObject({ verdict: 'wait', remainingMs: 60_000 });
  });
  it('names at most five alarms and counts the rest; one alarm both firing and in the history counts once', () => {
    const firing = Array.from({ length: 7 }, (_, i) => ({ accountId: '222222222222', region: 'us-east-1', name: `a${i}` }));
    const v = judgeBake({ ...base, firing, firedDuringBake: [firing[0]] }, 'dev');
    expect(v).toMatchObject({ verdict: 'fail', alarms: firing, accounts: ['222222222222'] });
    expect(v.summary).toContain('a4 (222222222222 us-east-1) and 2 more');
  });
  it('reads the new state of an alarm history item, and treats anything unreadable as no change', () => {
    expect(wentToAlarm(JSON.stringify({ newState: { stateValue: 'ALARM' } }))).toBe(true);
    expect(wentToAlarm(JSON.stringify({ newState: { stateValue: 'OK' } }))).toBe(false);
    expect(wentToAlarm('not json')).toBe(false);
    expect(wentToAlarm(undefined)).toBe(false);
  });
});
