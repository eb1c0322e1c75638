/**
 * The bake gate's decision, pure: from what the previous wave's stages and alarms say now, pass,
 * wait, or fail. It fails closed: an account whose alarms cannot be read fails the gate.
 */

export interface AlarmRef {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
}

export interface Unreadable {
  readonly accountId: string;
  readonly region: string;
  readonly reason: string;
}

export interface BakeObservation {
  readonly now: Date;
  /** When the previous wave's last stage succeeded; undefined when one has not. */
  readonly bakeStartedAt?: Date;
  /** Stages of the previous wave that have not succeeded, with their status. */
  readonly stagesNotSucceeded: ReadonlyArray<{ readonly stage: string; readonly status: string }>;
  readonly minutes: number;
  /** In ALARM now. */
  readonly firing: readonly AlarmRef[];
  /** Went to ALARM since the bake started, even if OK again. */
  readonly firedDuringBake: readonly AlarmRef[];
  readonly unreadable: readonly Unreadable[];
}

export type BakeVerdict =
  | { readonly verdict: 'pass'; readonly summary: string }
  | { readonly verdict: 'wait'; readonly remainingMs: number; readonly summary: string }
  | { readonly verdict: 'fail'; readonly summary: string; readonly alarms: readonly AlarmRef[]; readonly accounts: readonly string[] };

/** At most this many alarms are named in a message; CodePipeline shows a short summary. */
const NAMED = 5;

const list = (alarms: readonly AlarmRef[]) =>
  alarms
    .slice(0, NAMED)
    .map((a) => `${a.name} (${a.accountId} ${a.region})`)
    .join(', ') + (alarms.length > NAMED ? ` and ${alarms.length - NAMED} more` : '');

export function judgeBake(o: BakeObservation, wave: string): BakeVerdict {
  if (o.stagesNotSucceeded.length > 0 || !o.bakeStartedAt) {
    const stages = o.stagesNotSucceeded.map((s) => `${s.stage} is ${s.status}`).join(', ');
    return { verdict: 'fail', summary: `wave ${wave} has not deployed: ${stages || 'no stage succeeded'}`, alarms: [], accounts: [] };
  }
  const alarms = [...o.firing, ...o.firedDuringBake.filter((f) => !o.firing.some((a) => a.accountId === f.accountId && a.region === f.region && a.name === f.name))];
  if (alarms.length > 0) {
    const accounts = [...new Set(alarms.map((a) => a.accountId))].sort();
    const what = o.firing.length > 0 ? `${o.firing.length} alarm(s) in ALARM` : `${alarms.length} alarm(s) went to ALARM during the bake`;
    return { verdict: 'fail', summary: `wave ${wave}: ${what} in ${accounts.length} account(s): ${list(alarms)}`, alarms, accounts };
  }
  if (o.unreadable.length > 0) {
    const where = o.unreadable.map((u) => `${u.accountId} ${u.region}: ${u.reason}`).join('; ');
    return {
      verdict: 'fail',
      summary: `wave ${wave}: alarms could not be read, so the bake cannot vouch for them (${where})`,
      alarms: [],
      accounts: [...new Set(o.unreadable.map((u) => u.accountId))].sort(),
    };
  }
  const elapsedMs = o.now.getTime() - o.bakeStartedAt.getTime();
  const remainingMs = o.minutes * 60_000 - elapsedMs;
  if (remainingMs > 0) return { verdict: 'wait', remainingMs, summary: `wave ${wave} baking: ${Math.floor(elapsedMs / 60_000)} of ${o.minutes} min, alarms OK` };
  return { verdict: 'pass', summary: `wave ${wave} baked ${o.minutes} min with every watched alarm OK` };
}

/** A CloudWatch alarm history item's HistoryData: did this update move the alarm into ALARM? */
export function wentToAlarm(historyData: string | undefined): boolean {
  if (!historyData) return false;
  try {
    const data = JSON.parse(historyData) as { newState?: { stateValue?: string } };
    return data.newState?.stateValue === 'ALARM';
  } catch {
    return false;
  }
}
