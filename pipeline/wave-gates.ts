/**
 * The gates before a wave enters: a deployment window, and an alarm-gated bake of the wave before it.
 * Pure: config + plan → what the pipeline's stage conditions and the bake gate function check.
 */
import type { BakeGateParameters } from '../accounts/bake-gate';
import type { Bake, DeploymentWindow } from '../accounts/schema';
import type { DeploymentShape, PlannedDeployment } from './planner';

/** The CloudFormation name prefix of a service-managed StackSet's stack instances (`StackSet-<name>-<uuid>`). */
export const stackInstanceStackPrefix = (stackSetName: string) => `StackSet-${stackSetName}-`;

/** The CDK bootstrap's read-only lookup role in a target account; the bake gate reads alarms through it. */
export const lookupRoleName = (accountId: string, region: string, qualifier = 'hnb659fds') => `cdk-${qualifier}-lookup-role-${accountId}-${region}`;

/** The lookup role's ARN, in a partition (a stack's `partition`, or `aws` on the command line). */
export const lookupRoleArn = (partition: string, accountId: string, region: string) => `arn:${partition}:iam::${accountId}:role/${lookupRoleName(accountId, region)}`;

export interface PlannedWindow {
  readonly cron: string;
  readonly timeZone: string;
  /** "MON-FRI 09:00–13:00 Europe/Berlin". */
  readonly description: string;
}

/** One account of the previous wave whose alarms the bake reads, in each of its Regions. */
export interface BakeTarget {
  readonly accountId: string;
  readonly accountName: string;
  readonly regions: ReadonlyArray<{ readonly region: string; readonly alarmNamePrefixes: readonly string[] }>;
}

export interface PlannedBake {
  readonly minutes: number;
  readonly previousWave: string;
  readonly targets: readonly BakeTarget[];
  /** Accounts the previous wave reaches today; more than targets.length means it is sampled. */
  readonly accounts: number;
  /** The alarm prefixes came from the config, not from the previous wave's stacks. */
  readonly configuredPrefixes: boolean;
}

export interface WaveGate {
  readonly window?: PlannedWindow;
  readonly bake?: PlannedBake;
}

/**
 * The DeploymentWindow rule's cron (seconds minutes hours day-of-month month day-of-week year):
 * every second of every minute of the window's hours on its days.
 */
export function planWindow(window: DeploymentWindow): PlannedWindow {
  const start = Number(window.start.slice(0, 2));
  const last = start + window.durationHours - 1;
  const hours = window.durationHours === 1 ? `${start}` : `${start}-${last}`;
  const close = `${String(start + window.durationHours).padStart(2, '0')}:00`;
  return { cron: `* * ${hours} ? * ${window.days} *`, timeZone: window.timeZone, description: `${window.days} ${window.start}–${close} ${window.timeZone}` };
}

/**
 * What the bake before a wave watches: the alarms of the previous wave's stacks, by name prefix
 * (CloudFormation names an alarm it generates `<stack name>-<logical id>-<suffix>`), in a sample of
 * its accounts spread over them (every account when there are few).
 */
export function planBake(bake: Bake, previousWave: string, previous: readonly PlannedDeployment[], shapes: ReadonlyMap<string, DeploymentShape>, waveNames: readonly string[]): PlannedBake {
  // One prefix for all of a wave's StackSets (`<pipeline>-<wave>-<pattern>`) unless another wave's name extends this one's.
  const wavePrefix = (d: PlannedDeployment & { kind: 'stackset' }) => {
    const shared = d.stackSetName.slice(0, d.stackSetName.length - d.pattern.length);
    return waveNames.some((n) => n !== previousWave && n.startsWith(`${previousWave}-`)) ? stackInstanceStackPrefix(d.stackSetName) : stackInstanceStackPrefix(shared).slice(0, -1);
  };
  const byAccount = new Map<string, { accountName: string; regions: Map<string, Set<string>> }>();
  const add = (accountId: string, accountName: string, region: string, prefixes: readonly string[]) => {
    const account = byAccount.get(accountId) ?? { accountName, regions: new Map<string, Set<string>>() };
    const set = account.regions.get(region) ?? new Set<string>();
    prefixes.forEach((p) => set.add(p));
    account.regions.set(region, set);
    byAccount.set(accountId, account);
  };
  for (const d of previous) {
    if (d.kind === 'stackset') {
      for (const i of d.instances) add(i.accountId, i.accountName, i.region, bake.alarmNamePrefixes ?? [wavePrefix(d)]);
    } else {
      const stacks = (shapes.get(d.id)?.templates ?? []).filter((t) => t.via === 'action').map((t) => `${t.name}-`);
      add(d.accountId, d.accountName, d.region, bake.alarmNamePrefixes ?? (stacks.length ? stacks : [`${d.stackName}-`]));
    }
  }
  const ids = [...byAccount.keys()].sort();
  const targets = sampleSpread(ids, bake.sampleAccounts).map((accountId) => {
    const a = byAccount.get(accountId)!;
    return {
      accountId,
      accountName: a.accountName,
      regions: [...a.regions.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([region, prefixes]) => ({ region, alarmNamePrefixes: [...prefixes].sort() })),
    };
  });
  return { minutes: bake.minutes, previousWave, targets, accounts: ids.length, configuredPrefixes: bake.alarmNamePrefixes !== undefined };
}

/** n items spread evenly over a sorted list, first and last included; all of them when there are no more than n. */
export function sampleSpread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n === 1) return [items[0]];
  const picked = new Set<number>();
  for (let k = 0; k < n; k++) picked.add(Math.round((k * (items.length - 1)) / (n - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => items[i]);
}

/** "dev's alarms OK for 30 min (3 of 12 accounts sampled)": a bake, for the plan. */
export function describeBake(b: PlannedBake): string {
  const sampled = b.targets.length < b.accounts ? `${b.targets.length} of ${b.accounts} accounts sampled` : `${b.accounts} account${b.accounts === 1 ? '' : 's'}`;
  const alarms = b.configuredPrefixes
    ? 'alarms named ' + [...new Set(b.targets.flatMap((t) => t.regions.flatMap((r) => r.alarmNamePrefixes)))].map((p) => `${p}*`).join(', ')
    : `all alarms of its stacks`;
  return `${b.previousWave} bakes ${b.minutes} min: ${alarms} stay OK (${sampled})`;
}

/** What CodePipeline passes the bake gate function (the rule's UserParameters); a rule configuration value holds at most this many characters. */
export const USER_PARAMETERS_LIMIT = 1000;

/** The bake gate function's input for one bake, as the rule's UserParameters. */
export function bakeGateParameters(bake: PlannedBake, previousStages: readonly string[]): BakeGateParameters {
  return {
    wave: bake.previousWave,
    stages: [...previousStages],
    minutes: bake.minutes,
    targets: bake.targets.flatMap((t) => t.regions.map((r): [string, string, string[]] => [t.accountId, r.region, [...r.alarmNamePrefixes]])),
  };
}
