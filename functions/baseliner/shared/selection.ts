/**
 * The baseliner's run-time decisions, with no AWS in them: how long to wait before looking at a
 * provisioning record again, what a selection's identity is, and whether a trigger starts an
 * execution. What baseline.yaml selects is in accounts/baseline-selection.ts.
 */
import { createHash } from 'node:crypto';
import type { PlannedProduct } from '../../../accounts/baseline-selection';

/** What earlier runs say about a product's provisioning time: a moving mean and mean deviation. */
export interface DurationEstimate {
  readonly meanSeconds: number;
  readonly deviationSeconds: number;
}

/**
 * Seconds to wait before the next look at a provisioning record, `elapsed` seconds after it
 * started. The first look comes at the early edge of the usual duration (mean − deviation); inside
 * the usual band (up to mean + 2 deviations) looks come every half deviation, so a finish is seen
 * soon with few polls; past the band the waits double (a slow run should not cost many polls).
 */
export function nextWaitSeconds(poll: number, elapsed: number, estimate: DurationEstimate, bounds = { minSeconds: 5, maxSeconds: 300 }): number {
  const { meanSeconds: mean, deviationSeconds: dev } = estimate;
  let raw: number;
  if (poll === 0) raw = mean - dev;
  else if (elapsed < mean + 2 * dev) raw = dev / 2;
  else raw = Math.max(dev, elapsed - mean);
  return Math.round(Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, raw)));
}

/** Folds one observed duration into the estimate (exponential moving averages, weight 0.3). */
export function updateEstimate(previous: DurationEstimate | undefined, seconds: number): DurationEstimate {
  if (!previous) return { meanSeconds: seconds, deviationSeconds: Math.max(5, Math.round(seconds * 0.2)) };
  const meanSeconds = previous.meanSeconds * 0.7 + seconds * 0.3;
  const deviationSeconds = previous.deviationSeconds * 0.7 + Math.abs(seconds - previous.meanSeconds) * 0.3;
  return { meanSeconds: Math.round(meanSeconds), deviationSeconds: Math.max(5, Math.round(deviationSeconds)) };
}

/** Execution names: deterministic, at most 80 characters of [A-Za-z0-9-_]. */
export function executionName(kind: 'baseline' | 'update', accountId: string, version: string): string {
  const safe = version.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80 - kind.length - accountId.length - 2);
  return `${kind}-${accountId}-${safe}`;
}

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** JSON with object keys sorted, so equal content always gives equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What one product in one account would be: the product, the provisioning artifact it resolved to
 * (so a new newest version counts), its portfolio, Regions and resolved parameters.
 */
export function productFingerprint(p: Pick<PlannedProduct, 'product' | 'portfolio' | 'regions' | 'parameters'> & { artifactId: string }): string {
  return digest(canonical({ product: p.product, artifactId: p.artifactId, portfolio: p.portfolio, regions: [...p.regions].sort(), parameters: p.parameters })).slice(0, 32);
}

/**
 * The identity of an account's baseline: the account plus every selected product's fingerprint.
 * Every trigger that leads to the same selection gives the same key.
 */
export function selectionKey(accountId: string, products: ReadonlyArray<{ provisionName: string; fingerprint: string }>): string {
  const parts = [...products].sort((a, b) => a.provisionName.localeCompare(b.provisionName)).map((p) => `${p.provisionName}=${p.fingerprint}`);
  return digest(`${accountId}\n${parts.join('\n')}`).slice(0, 24);
}

/** `baseline-<account>-<selection key>-<attempt>`: a retry of the same selection gets the next attempt. */
export function baselineExecutionName(accountId: string, key: string, attempt: number): string {
  return executionName('baseline', accountId, `${key}-${attempt}`);
}

/** The account's last baseline, as the tracking table keeps it. */
export interface SelectionRecord {
  readonly selectionKey: string;
  readonly attempt: number;
  readonly status: 'running' | 'done' | 'failed';
  readonly executionName?: string;
}

/** What a trigger should do about an account's selection. */
export type StartDecision = { readonly start: true; readonly attempt: number; readonly why: string } | { readonly start: false; readonly why: string; readonly gaveUp?: boolean };

export interface StartContext {
  /** The state of the last execution, when the record says running (a dead one counts as failed). */
  readonly executionStatus?: string;
  /** Service Catalog lacks a product the record says is done (terminated by hand, say). */
  readonly drifted?: boolean;
  /** The periodic reconcile retries a failed selection only this many attempts; events always retry. */
  readonly maxAttempts?: number;
}

/**
 * New selection: attempt 1. Same selection: nothing while it runs or once done, unless Service
 * Catalog has drifted from it; after a failure (recorded by the workflow, or an execution that
 * died) the next attempt, within `maxAttempts` when given.
 */
export function decideStart(record: SelectionRecord | undefined, key: string, ctx: StartContext = {}): StartDecision {
  if (!record || record.selectionKey !== key) return { start: true, attempt: 1, why: record ? 'the selection changed' : 'first baseline of this account' };
  const running = record.status === 'running' && (ctx.executionStatus === undefined || ctx.executionStatus === 'RUNNING');
  if (running) return { start: false, why: `${record.executionName ?? 'an execution'} is running this selection` };
  const failed = record.status === 'failed' || record.status === 'running';
  if (!failed && !ctx.drifted) return { start: false, why: 'this selection is baselined already' };
  if (ctx.maxAttempts !== undefined && failed && record.attempt >= ctx.maxAttempts) {
    return { start: false, gaveUp: true, why: `this selection failed ${record.attempt} times; fix it, then re-enroll the account or push a change` };
  }
  return { start: true, attempt: record.attempt + 1, why: failed ? `attempt ${record.attempt} failed` : 'Service Catalog lacks a product this selection provisioned' };
}
