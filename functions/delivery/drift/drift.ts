/**
 * Drift detection, pure: the targets, how an AWS error is classified for the state machine, and the
 * reconcile report.
 */
import { z } from 'zod';

const Account = z.string().regex(/^\d{12}$/);
const Region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/);

/** A stack of a CDK Stage (stages mode), read through its account's deploy role, or a StackSet, read in its administrator account. */
export const DriftTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stack'), accountId: Account, region: Region, stackName: z.string().min(1).max(128) }),
  z.strictObject({ kind: z.literal('stackset'), accountId: Account, region: Region, stackSetName: z.string().min(1).max(128), callAs: z.enum(['SELF', 'DELEGATED_ADMIN']) }),
]);
export type DriftTarget = z.output<typeof DriftTarget>;

/** The error names the state machine retries (Throttled) or records (the others) instead of failing. */
export const DRIFT_ERRORS = { throttled: 'Throttled', accessDenied: 'AccessDenied', gone: 'StackGone' } as const;

export class DriftError extends Error {
  constructor(name: (typeof DRIFT_ERRORS)[keyof typeof DRIFT_ERRORS], message: string) {
    super(message);
    this.name = name;
  }
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'InvalidClientTokenId', 'ExpiredToken']);

/** An AWS SDK error as the state machine sees it: throttling to retry, access denied and a stack gone to record; anything else as it is. */
export function classify(err: unknown, target: string): Error {
  const e = err as { name?: string; message?: string };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(err);
  if (THROTTLING.has(name)) return new DriftError(DRIFT_ERRORS.throttled, `${target}: ${name}: ${message}`);
  if (ACCESS_DENIED.has(name)) return new DriftError(DRIFT_ERRORS.accessDenied, `${target}: ${name}: ${message}`);
  if (name === 'StackSetNotFoundException' || (name === 'ValidationError' && /does not exist/i.test(message))) return new DriftError(DRIFT_ERRORS.gone, `${target}: ${message}`);
  return err instanceof Error ? err : new Error(message);
}

export const describeTarget = (t: DriftTarget) => (t.kind === 'stack' ? `stack ${t.stackName} in ${t.accountId} ${t.region}` : `StackSet ${t.stackSetName} (${t.accountId} ${t.region})`);

export interface DriftedProperty {
  readonly path: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly difference?: string;
}

export interface DriftedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  /** For a StackSet: the instance's account and Region. */
  readonly instance?: string;
  readonly properties: readonly DriftedProperty[];
}

/** One target's outcome, as each Map iteration ends. */
export type TargetResult =
  | { readonly target: DriftTarget; readonly status: 'IN_SYNC' }
  | { readonly target: DriftTarget; readonly status: 'DRIFTED'; readonly resources: readonly DriftedResource[]; readonly truncated: boolean }
  | { readonly target: DriftTarget; readonly status: 'UNREADABLE' | 'DELETED' | 'FAILED' | 'TIMED_OUT'; readonly reason: string };

export interface DriftReport {
  readonly generatedAt: string;
  readonly targets: number;
  readonly counts: Record<TargetResult['status'], number>;
  readonly drifted: readonly TargetResult[];
  readonly problems: readonly TargetResult[];
}

export function buildReport(results: readonly TargetResult[], now: Date): DriftReport {
  const counts = { IN_SYNC: 0, DRIFTED: 0, UNREADABLE: 0, DELETED: 0, FAILED: 0, TIMED_OUT: 0 };
  for (const r of results) counts[r.status]++;
  return {
    generatedAt: now.toISOString(),
    targets: results.length,
    counts,
    drifted: results.filter((r) => r.status === 'DRIFTED'),
    problems: results.filter((r) => r.status !== 'DRIFTED' && r.status !== 'IN_SYNC'),
  };
}

/** The SNS summary: counts, then each drifted or unreadable target on a line. */
export function summaryText(report: DriftReport, location: string): string {
  const c = report.counts;
  const lines = [
    `Drift detection of ${report.targets} stacks and StackSets (${report.generatedAt}): ${c.DRIFTED} drifted, ${c.IN_SYNC} in sync, ${c.UNREADABLE} unreadable, ${c.DELETED} deleted, ${c.FAILED + c.TIMED_OUT} failed.`,
    ...report.drifted.map(
      (r) => `DRIFTED ${describeTarget(r.target)}: ${r.status === 'DRIFTED' ? r.resources.map((x) => `${x.logicalId}${x.instance ? `@${x.instance}` : ''} (${x.status})`).join(', ') : ''}`,
    ),
    ...report.problems.map((r) => `${r.status} ${describeTarget(r.target)}: ${'reason' in r ? r.reason : ''}`),
    '',
    `Reconcile report: ${location}`,
    'To reconcile: redeploy the pipeline’s revision (release the change again, or npm run rollback -- --to <current commit>), or change the config so that it describes what you want.',
  ];
  return lines.join('\n');
}
