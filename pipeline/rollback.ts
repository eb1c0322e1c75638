/**
 * One-command rollback across accounts: start the pipeline at an earlier source revision that
 * once went all the way through it. The pure parts are here (what the target is, whether the
 * pipeline still has the shape it ran with); pipeline/cli/rollback.ts makes the CodePipeline calls.
 */

/** A CodePipeline execution id (a UUID); anything else is taken as a commit. */
export const EXECUTION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A commit id, abbreviated (7+) or full. */
export const COMMIT_PATTERN = /^[0-9a-f]{7,40}$/i;

export type RollbackTarget = { readonly kind: 'execution'; readonly executionId: string } | { readonly kind: 'commit'; readonly commit: string };

export function parseTarget(to: string): RollbackTarget {
  if (EXECUTION_ID_PATTERN.test(to)) return { kind: 'execution', executionId: to.toLowerCase() };
  if (COMMIT_PATTERN.test(to)) return { kind: 'commit', commit: to.toLowerCase() };
  throw new Error(`"${to}" is neither a commit id (7 to 40 hex digits) nor a pipeline execution id (a UUID)`);
}

export interface ExecutionSummary {
  readonly executionId: string;
  readonly status: string;
  readonly commit?: string;
  readonly commitMessage?: string;
  readonly startTime?: Date;
}

/** The execution to roll back to: the one named, or the newest that succeeded with the commit named (a prefix matches). */
export function chooseExecution(target: RollbackTarget, executions: readonly ExecutionSummary[]): { execution?: ExecutionSummary; problem?: string } {
  const succeeded = executions.filter((e) => e.status === 'Succeeded');
  const recent = succeeded
    .slice(0, 5)
    .map((e) => `${e.commit?.slice(0, 12) ?? '?'} (execution ${e.executionId}, ${e.startTime?.toISOString() ?? 'unknown time'})`)
    .join('; ');
  const hint = recent ? ` Recent successful revisions: ${recent}.` : ' No execution has succeeded yet.';
  if (target.kind === 'execution') {
    const e = executions.find((x) => x.executionId === target.executionId);
    if (!e) return { problem: `execution ${target.executionId} is not among this pipeline's recent executions.${hint}` };
    if (e.status !== 'Succeeded') return { problem: `execution ${target.executionId} ended ${e.status}: only a revision that went all the way through is a safe place to return to.${hint}` };
    if (!e.commit) return { problem: `execution ${target.executionId} records no source commit` };
    return { execution: e };
  }
  const matches = succeeded.filter((e) => e.commit?.toLowerCase().startsWith(target.commit));
  if (matches.length === 0) return { problem: `commit ${target.commit} never went all the way through this pipeline (no successful execution ran it).${hint}` };
  if (new Set(matches.map((e) => e.commit)).size > 1) return { problem: `commit prefix ${target.commit} matches several commits: give more digits` };
  return { execution: matches[0] };
}

export interface StageShape {
  readonly stage: string;
  readonly actions: readonly string[];
}

/**
 * Whether the pipeline still has the stages and actions the earlier execution ran. If it does not,
 * starting that revision makes the pipeline mutate itself back to the old shape on the way, with
 * waves (and their stage rollback history) added or dropped mid-rollback: refuse, and say what differs.
 */
export function shapeDifferences(current: readonly StageShape[], ran: readonly StageShape[]): string[] {
  const now = new Map(current.map((s) => [s.stage, new Set(s.actions)]));
  const then = new Map(ran.map((s) => [s.stage, new Set(s.actions)]));
  const out: string[] = [];
  for (const [stage, actions] of now) {
    const earlier = then.get(stage);
    if (!earlier) {
      out.push(`stage ${stage} is new since then`);
      continue;
    }
    const added = [...actions].filter((a) => !earlier.has(a));
    const dropped = [...earlier].filter((a) => !actions.has(a));
    if (added.length) out.push(`stage ${stage} has new actions: ${added.join(', ')}`);
    if (dropped.length) out.push(`stage ${stage} no longer has: ${dropped.join(', ')}`);
  }
  for (const stage of then.keys()) if (!now.has(stage)) out.push(`stage ${stage} has been removed since then`);
  return out;
}

/** Groups (stage, action) pairs as the stages ran them, in the order first seen. */
export function stagesOf(pairs: ReadonlyArray<{ readonly stage: string; readonly action: string }>): StageShape[] {
  const map = new Map<string, string[]>();
  for (const p of pairs) map.set(p.stage, [...(map.get(p.stage) ?? []), ...(map.get(p.stage)?.includes(p.action) ? [] : [p.action])]);
  return [...map.entries()].map(([stage, actions]) => ({ stage, actions }));
}
