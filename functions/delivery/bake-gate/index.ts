/**
 * The bake gate: a pipeline stage's entry rule (LambdaInvoke). It reads the previous wave's
 * alarms in a sample of its accounts, through each account's CDK lookup role (read-only), and
 * answers CodePipeline's job: success once the wave has baked its minutes with every watched alarm
 * OK; failure, with the wave, the accounts and the alarms, as soon as one fires or cannot be read;
 * otherwise it waits, checking every few minutes, and hands back a continuation token before its
 * own time runs out so CodePipeline calls it again.
 */
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, type AlarmHistoryItem } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient, GetPipelineStateCommand, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { BakeGateParameters } from '../../../accounts/bake-gate';
import { assumeRole, bootstrapRoleArn } from '../../shared/assume-role';
import { judgeBake, wentToAlarm, type AlarmRef, type BakeObservation, type BakeVerdict, type Unreadable } from './judge';

const logger = new Logger({ serviceName: 'bake-gate' });

/** Between two checks while baking. */
export const CHECK_EVERY_MS = 2 * 60_000;
/** Time kept back from the function's timeout to answer CodePipeline. */
export const RESERVE_MS = 60_000;
/** Pages of DescribeAlarms / DescribeAlarmHistory read per account and Region: bounded. */
export const MAX_PAGES = 10;

/** The parts of CodePipeline's job event the gate reads (its artifact credentials are never logged). */
const JobEvent = z.object({
  'CodePipeline.job': z
    .object({
      id: z.string().min(1),
      data: z
        .object({
          actionConfiguration: z.object({ configuration: z.object({ UserParameters: z.string().min(1) }).loose() }).loose(),
          continuationToken: z.string().optional(),
        })
        .loose(),
    })
    .loose(),
});

export interface Clients {
  readonly codePipeline: CodePipelineClient;
  readonly sns: SNSClient;
  readonly sts: STSClient;
  /** CloudWatch in an account and Region, with the lookup role's credentials. */
  readonly cloudWatch: (region: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => CloudWatchClient;
}

export interface Environment {
  readonly pipelineName: string;
  readonly topicArn: string;
  /** The CDK bootstrap qualifier of the lookup roles. */
  readonly qualifier: string;
}

export interface Runtime {
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly remainingMs: () => number;
}

const defaultClients = (): Clients => ({
  codePipeline: new CodePipelineClient({}),
  sns: new SNSClient({}),
  sts: new STSClient({}),
  cloudWatch: (region, credentials) => new CloudWatchClient({ region, credentials }),
});

function environment(): Environment {
  const pipelineName = process.env.PIPELINE_NAME;
  const topicArn = process.env.TOPIC_ARN;
  if (!pipelineName || !topicArn) throw new Error('PIPELINE_NAME and TOPIC_ARN must be set');
  return { pipelineName, topicArn, qualifier: process.env.BOOTSTRAP_QUALIFIER ?? 'hnb659fds' };
}

export type GateResult = { readonly jobId?: string; readonly verdict: BakeVerdict['verdict'] | 'malformed'; readonly summary: string };

export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<GateResult> {
  const runtime: Runtime = {
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    remainingMs: () => context?.getRemainingTimeInMillis?.() ?? 15 * 60_000,
  };
  return runGate(event, defaultClients(), environment(), runtime);
}

export async function runGate(event: unknown, aws: Clients, env: Environment, runtime: Runtime): Promise<GateResult> {
  const job = JobEvent.safeParse(event);
  if (!job.success) {
    // Not a CodePipeline job: there is nobody to answer; say so and change nothing.
    logger.error('not a CodePipeline job event', { issues: job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return { verdict: 'malformed', summary: 'not a CodePipeline job event' };
  }
  const jobId = job.data['CodePipeline.job'].id;
  const parameters = parseParameters(job.data['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters);
  if (!parameters.success) {
    const summary = `bake gate parameters are invalid: ${parameters.error}`;
    await aws.codePipeline.send(new PutJobFailureResultCommand({ jobId, failureDetails: { type: 'ConfigurationError', message: summary } }));
    return { jobId, verdict: 'malformed', summary };
  }
  const p = parameters.data;
  for (;;) {
    const verdict = judgeBake(await observe(aws, env, p, runtime.now()), p.wave);
    logger.info('bake check', { jobId, wave: p.wave, verdict: verdict.verdict, summary: verdict.summary });
    if (verdict.verdict === 'fail') {
      // The job fails whether or not the notice goes out; CodePipeline's own failure notification follows too.
      await notifyFailure(aws, env, p, verdict).catch((err: Error) => logger.error('bake failure notice not sent', { error: err.message }));
      await aws.codePipeline.send(new PutJobFailureResultCommand({ jobId, failureDetails: { type: 'JobFailed', message: verdict.summary.slice(0, 5000) } }));
      return { jobId, verdict: 'fail', summary: verdict.summary };
    }
    if (verdict.verdict === 'pass') {
      await aws.codePipeline.send(new PutJobSuccessResultCommand({ jobId, executionDetails: { summary: verdict.summary.slice(0, 2048) } }));
      return { jobId, verdict: 'pass', summary: verdict.summary };
    }
    const pause = Math.min(CHECK_EVERY_MS, verdict.remainingMs);
    if (runtime.remainingMs() - pause < RESERVE_MS) {
      // Out of time for this call: CodePipeline calls again with the token, and the bake goes on from the stages' own times.
      await aws.codePipeline.send(new PutJobSuccessResultCommand({ jobId, continuationToken: JSON.stringify({ wave: p.wave }), executionDetails: { summary: verdict.summary.slice(0, 2048) } }));
      return { jobId, verdict: 'wait', summary: verdict.summary };
    }
    await runtime.sleep(pause);
  }
}

function parseParameters(text: string): { success: true; data: BakeGateParameters } | { success: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { success: false, error: 'UserParameters is not JSON' };
  }
  const parsed = BakeGateParameters.safeParse(raw);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** The previous wave's stages and its watched alarms, now. */
async function observe(aws: Clients, env: Environment, p: BakeGateParameters, now: Date): Promise<BakeObservation> {
  const state = await aws.codePipeline.send(new GetPipelineStateCommand({ name: env.pipelineName }));
  const stagesNotSucceeded: Array<{ stage: string; status: string }> = [];
  let bakeStartedAt: Date | undefined;
  for (const stage of p.stages) {
    const s = state.stageStates?.find((x) => x.stageName === stage);
    const status = s?.latestExecution?.status ?? 'not run';
    if (status !== 'Succeeded') {
      stagesNotSucceeded.push({ stage, status });
      continue;
    }
    for (const a of s?.actionStates ?? []) {
      const at = a.latestExecution?.lastStatusChange;
      if (at && (!bakeStartedAt || at > bakeStartedAt)) bakeStartedAt = at;
    }
  }
  const firing: AlarmRef[] = [];
  const firedDuringBake: AlarmRef[] = [];
  const unreadable: Unreadable[] = [];
  if (stagesNotSucceeded.length === 0 && bakeStartedAt) {
    for (const [accountId, region, prefixes] of p.targets) {
      try {
        const cw = await cloudWatchIn(aws, env, accountId, region);
        firing.push(...(await alarmsInAlarm(cw, prefixes)).map((name) => ({ accountId, region, name })));
        firedDuringBake.push(...(await alarmsFiredSince(cw, prefixes, bakeStartedAt, now)).map((name) => ({ accountId, region, name })));
      } catch (err) {
        const e = err as Error;
        unreadable.push({ accountId, region, reason: `${e.name}: ${e.message}` });
      }
    }
  }
  return { now, bakeStartedAt, stagesNotSucceeded, minutes: p.minutes, firing, firedDuringBake, unreadable };
}

async function cloudWatchIn(aws: Clients, env: Environment, accountId: string, region: string): Promise<CloudWatchClient> {
  return aws.cloudWatch(region, await assumeRole(aws.sts, bootstrapRoleArn('lookup', accountId, region, env.qualifier), 'bake-gate'));
}

async function alarmsInAlarm(cw: CloudWatchClient, prefixes: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const prefix of prefixes) {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token }));
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) if (a.AlarmName) names.push(a.AlarmName);
      token = out.NextToken;
      if (!token) break;
    }
  }
  return [...new Set(names)].sort();
}

/** DescribeAlarmHistory takes no name prefix: read the state updates since the bake began and keep the watched ones. */
async function alarmsFiredSince(cw: CloudWatchClient, prefixes: readonly string[], since: Date, now: Date): Promise<string[]> {
  const names = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await cw.send(new DescribeAlarmHistoryCommand({ HistoryItemType: 'StateUpdate', StartDate: since, EndDate: now, MaxRecords: 100, NextToken: token }));
    for (const item of out.AlarmHistoryItems ?? ([] as AlarmHistoryItem[])) {
      if (item.AlarmName && prefixes.some((p) => item.AlarmName!.startsWith(p)) && wentToAlarm(item.HistoryData)) names.add(item.AlarmName);
    }
    token = out.NextToken;
    if (!token) break;
  }
  return [...names].sort();
}

async function notifyFailure(aws: Clients, env: Environment, p: BakeGateParameters, verdict: BakeVerdict & { verdict: 'fail' }): Promise<void> {
  const message = [
    `The bake of wave "${p.wave}" failed, so the next wave does not enter and the pipeline ${env.pipelineName} halts.`,
    '',
    verdict.summary,
    '',
    `Accounts: ${verdict.accounts.join(', ') || '(none: the wave itself did not deploy)'}`,
    ...verdict.alarms.map((a) => `Alarm: ${a.name} in ${a.accountId} ${a.region}`),
  ].join('\n');
  await aws.sns.send(new PublishCommand({ TopicArn: env.topicArn, Subject: `[${env.pipelineName}] bake of ${p.wave} failed`.slice(0, 100), Message: message }));
}
