/**
 * The state machine's tasks, one small action each: prepare (dependencies), provision, poll,
 * succeeded, failed, summarize, not-enrolled, error. The state machine holds the control flow
 * (the enrollment gate's checks run in the Go enrollment function); this holds the logic.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordStatus, startProvisioning, type ResolvedIds } from '../shared/catalog';
import { currentTime, sleep } from '../shared/clock';
import { notify } from '../shared/notify';
import { type PlannedProduct } from '../../../accounts/baseline-selection';
import { nextWaitSeconds, type DurationEstimate } from '../shared/selection';
import { failureReason } from '../shared/failure-reason';
import { Tracking } from '../shared/tracking';
import { publishBaselineMetrics } from '../shared/metrics';

const logger = new Logger({ serviceName: 'baseliner-steps' });
const sc = new ServiceCatalogClient({});
const sns = new SNSClient({});
const pipeline = new CodePipelineClient({});
const tracking = () => new Tracking(DynamoDBDocumentClient.from(new DynamoDBClient({})), env('TABLE_NAME'));

/** Without history, assume a product takes about this long (CloudFormation StackSets are rarely faster). */
export const DEFAULT_ESTIMATE: DurationEstimate = { meanSeconds: 180, deviationSeconds: 90 };

export type Product = PlannedProduct & ResolvedIds & { readonly fingerprint?: string };

/** The enrollment gate's input and last verdict (functions/baseliner/enrollment). */
export interface EnrollmentState {
  readonly check: boolean;
  readonly checks: number;
  readonly maxChecks: number;
  /** ENROLLED, PARTIAL (enrolled, drifted from its OU's baseline), PENDING, FAILED or NOT_FOUND. */
  readonly status?: string;
  readonly message?: string;
}

export interface RecordState {
  readonly recordId: string;
  readonly status: 'CREATED' | 'IN_PROGRESS' | 'IN_PROGRESS_IN_ERROR' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** Poll tasks so far (each may look at the record several times). */
  readonly polls: number;
  readonly waitSeconds: number;
  /** Epoch milliseconds when provisioning started. */
  readonly startedAt: number;
  readonly estimate: DurationEstimate;
  readonly errors?: string[];
}

export interface StepInput {
  readonly action: 'prepare' | 'provision' | 'poll' | 'succeeded' | 'failed' | 'summarize' | 'not-enrolled' | 'error';
  readonly accountId: string;
  readonly executionName: string;
  /** ISO time the execution started ($$.Execution.StartTime): the wall-clock bound counts from it. */
  readonly startTime: string;
  readonly maxWaitMinutes: number;
  readonly maxPolls: number;
  readonly bootstrapProduct?: string;
  readonly product?: Product;
  readonly prepared?: { estimate: DurationEstimate };
  readonly record?: RecordState;
  readonly error?: { Error?: string; Cause?: string };
  /** The account is new to its OU: when the baseline completes, the delivery pipeline runs. */
  readonly handOff?: boolean;
  /** Products the account keeps after leaving the OU that gave them (terminateOnLeave false). */
  readonly kept?: readonly string[];
  /** Selected products already provisioned as selected: left alone. */
  readonly unchanged?: readonly string[];
  readonly enrollment?: EnrollmentState;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const iso = () => new Date(currentTime()).toISOString();

function requireProduct(input: StepInput): Product {
  if (!input.product) throw new Error(`action ${input.action} needs a product`);
  return input.product;
}

export async function handler(input: StepInput): Promise<unknown> {
  logger.appendKeys({ accountId: input.accountId, execution: input.executionName, action: input.action });
  switch (input.action) {
    case 'prepare':
      return prepare(input, requireProduct(input));
    case 'provision':
      return provision(input, requireProduct(input));
    case 'poll':
      return poll(input);
    case 'succeeded':
      return succeeded(input, requireProduct(input));
    case 'failed':
      return failed(input, requireProduct(input));
    case 'summarize':
      return summarize(input);
    case 'not-enrolled':
      return notEnrolled(input);
    case 'error':
      await tracking().endSelection(input.accountId, input.executionName, 'failed', iso());
      await notify(sns, env('TOPIC_ARN'), `Baseline of ${input.accountId} stopped`, { account: input.accountId, execution: input.executionName, error: input.error });
      publishBaselineMetrics({ accountId: input.accountId, startTime: input.startTime, now: currentTime(), failures: 1, newAccount: input.handOff === true });
      return { notified: true };
    default:
      throw new Error(`unknown action ${String((input as { action: unknown }).action)}`);
  }
}

/** A product runs only when every dependency is done; one that failed or was skipped skips it. */
async function prepare(input: StepInput, product: Product) {
  const t = tracking();
  const items = await t.forAccount(input.accountId);
  // A dependency is done when tracked done, or when the trigger found it provisioned as selected (unchanged).
  const blocked = product.dependsOn.filter((d) => !input.unchanged?.includes(d) && items.find((i) => i.provisionName === d)?.status !== 'done');
  const base = {
    accountId: input.accountId,
    provisionName: product.provisionName,
    product: product.product,
    version: product.artifactName,
    portfolio: product.portfolio,
    regions: product.regions,
    action: product.action,
    terminateOnLeave: product.terminateOnLeave ?? false,
    executionName: input.executionName,
    startedAt: iso(),
    updatedAt: iso(),
  };
  if (blocked.length > 0) {
    const reason = `skipped: dependency ${blocked.map((b) => `${b} (${items.find((i) => i.provisionName === b)?.status ?? 'missing'})`).join(', ')} is not done`;
    await t.put({ ...base, status: 'skipped', reason });
    return { next: 'skip', reason };
  }
  await t.put({ ...base, status: 'in-progress' });
  return { next: 'provision', estimate: (await t.estimate(product.product)) ?? DEFAULT_ESTIMATE };
}

async function provision(input: StepInput, product: Product): Promise<RecordState> {
  const recordId = await startProvisioning(sc, { accountId: input.accountId, executionName: input.executionName, product });
  await tracking().update(input.accountId, product.provisionName, { recordId, updatedAt: iso() });
  const estimate = input.prepared?.estimate ?? DEFAULT_ESTIMATE;
  return { recordId, status: 'IN_PROGRESS', polls: 0, startedAt: currentTime(), waitSeconds: nextWaitSeconds(0, 0, estimate), estimate };
}

/** Longest a poll task keeps looking before it hands back to a Wait state (the function times out at 5 minutes). */
export const POLL_BUDGET_MS = 240_000;

/**
 * Looks at the record until it finishes, or until this task's budget is spent. Inside the usual
 * duration band it looks every quarter deviation (5 to 15 s), so a finish is seen within seconds
 * without a state transition per look; past the band it hands back with a doubling wait. Past
 * maxPolls tasks or the wall-clock bound, a running record is TIMED_OUT.
 */
async function poll(input: StepInput): Promise<RecordState> {
  const record = input.record;
  if (!record) throw new Error('poll needs the record');
  const polls = record.polls + 1;
  const deadline = Date.parse(input.startTime) + input.maxWaitMinutes * 60_000;
  const taskStart = currentTime();
  const { meanSeconds: mean, deviationSeconds: dev } = record.estimate;
  const interval = Math.min(15, Math.max(5, dev / 4)) * 1000;
  for (;;) {
    const { status, errors } = await recordStatus(sc, record.recordId);
    const elapsedSeconds = (currentTime() - record.startedAt) / 1000;
    if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'IN_PROGRESS_IN_ERROR') return { ...record, status, polls, errors, waitSeconds: 0 };
    if (currentTime() >= deadline || polls >= input.maxPolls) {
      const why = currentTime() >= deadline ? `still ${status} after ${input.maxWaitMinutes} minutes` : `still ${status} after ${polls} polls`;
      return { ...record, status: 'TIMED_OUT', polls, waitSeconds: 0, errors: [why] };
    }
    const inBand = elapsedSeconds < mean + 2 * dev;
    if (!inBand || currentTime() - taskStart + interval > POLL_BUDGET_MS) {
      const remaining = Math.max(1, Math.floor((deadline - currentTime()) / 1000));
      return { ...record, status, polls, errors, waitSeconds: Math.min(remaining, nextWaitSeconds(polls, elapsedSeconds, record.estimate)) };
    }
    await sleep(interval);
  }
}

async function succeeded(input: StepInput, product: Product) {
  const t = tracking();
  const item = await t.get(input.accountId, product.provisionName);
  // The fingerprint is stored on success only: a later selection equal to it is then left alone.
  await t.update(
    input.accountId,
    product.provisionName,
    product.action === 'terminate' ? { status: 'terminated', updatedAt: iso() } : { status: 'done', fingerprint: product.fingerprint, updatedAt: iso() },
  );
  // Provisioning times teach the poll schedule; a termination's would skew it.
  if (item?.startedAt && product.action !== 'terminate') await t.recordDuration(product.product, Math.max(1, Math.round((currentTime() - Date.parse(item.startedAt)) / 1000)));
  if (input.bootstrapProduct && product.provisionName === input.bootstrapProduct && product.action !== 'terminate') {
    // The account now trusts the pipeline: run it so the account receives its OU's patterns.
    return { status: 'done', pipelineExecutionId: await startPipeline(input.executionName) };
  }
  return { status: 'done' };
}

/** One pipeline run per baseline execution: the token makes a second start (bootstrap, then hand-off) the same run. */
async function startPipeline(executionName: string): Promise<string | undefined> {
  const name = env('PIPELINE_NAME');
  const out = await pipeline.send(new StartPipelineExecutionCommand({ name, clientRequestToken: executionName.slice(0, 128) }));
  logger.info('started the delivery pipeline', { pipeline: name, pipelineExecutionId: out.pipelineExecutionId });
  return out.pipelineExecutionId;
}

/** The gate gave up: Control Tower never reported the account enrolled, or could not be asked. */
async function notEnrolled(input: StepInput) {
  const e = input.enrollment;
  const reason =
    input.error?.Error || input.error?.Cause
      ? `the enrollment check failed: ${failureReason(input.error)}`
      : `Control Tower reports the account ${e?.status ?? 'not enrolled'} after ${e?.checks ?? 0} checks${e?.message ? ` (${e.message})` : ''}`;
  await tracking().endSelection(input.accountId, input.executionName, 'failed', iso(), e?.status);
  await notify(sns, env('TOPIC_ARN'), `Baseline of ${input.accountId}: not enrolled`, { account: input.accountId, execution: input.executionName, reason, nothingProvisioned: true });
  return { status: 'failed', reason };
}

async function failed(input: StepInput, product: Product) {
  const reason = failureReason(input.error, input.record);
  await tracking().update(input.accountId, product.provisionName, { status: 'failed', reason: reason.slice(0, 2000), updatedAt: iso() });
  await notify(sns, env('TOPIC_ARN'), `Baseline: ${product.provisionName} failed in ${input.accountId}`, {
    account: input.accountId,
    product: product.product,
    provisionedProductName: product.provisionedProductName,
    recordId: input.record?.recordId,
    reason,
    execution: input.executionName,
  });
  return { status: 'failed', reason };
}

async function summarize(input: StepInput) {
  const t = tracking();
  const items = (await t.forAccount(input.accountId)).filter((i) => i.executionName === input.executionName);
  const names = (status: string) =>
    items
      .filter((i) => i.status === status)
      .map((i) => i.provisionName)
      .sort();
  const summary = { deployed: names('done'), failed: names('failed'), skipped: names('skipped'), unfinished: names('in-progress'), terminated: names('terminated') };
  const ok = summary.failed.length === 0 && summary.skipped.length === 0 && summary.unfinished.length === 0;
  const enrollment = input.enrollment?.status;
  await t.endSelection(input.accountId, input.executionName, ok ? 'done' : 'failed', iso(), enrollment);
  // The bootstrap product's success started the pipeline already.
  const bootstrapped = !!input.bootstrapProduct && summary.deployed.includes(input.bootstrapProduct);
  const pipelineExecutionId = ok && input.handOff && !bootstrapped ? await startPipeline(input.executionName) : undefined;
  const notes = [
    ...(enrollment === 'PARTIAL'
      ? [
          `Control Tower reports the account partially enrolled (${input.enrollment?.message ?? 'drifted from its OU baseline'}): it was baselined; re-register or reset its OU baseline to complete the enrollment`,
        ]
      : []),
    ...(input.kept?.length ? [`kept after leaving their OU (terminateOnLeave is false): ${input.kept.join(', ')}`] : []),
  ];
  await notify(sns, env('TOPIC_ARN'), `Baseline of ${input.accountId}: ${ok ? 'complete' : 'incomplete'}`, {
    account: input.accountId,
    execution: input.executionName,
    ...summary,
    unchanged: [...(input.unchanged ?? [])].sort(),
    kept: [...(input.kept ?? [])].sort(),
    ...(notes.length ? { notes } : {}),
    ...(pipelineExecutionId ? { pipelineExecutionId } : {}),
  });
  publishBaselineMetrics({
    accountId: input.accountId,
    startTime: input.startTime,
    now: currentTime(),
    failures: summary.failed.length + summary.skipped.length + summary.unfinished.length,
    newAccount: input.handOff === true,
  });
  return { ...summary, failedCount: summary.failed.length + summary.unfinished.length, skippedCount: summary.skipped.length };
}
