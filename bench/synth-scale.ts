/**
 * bench/synth-scale: what the organization's size costs, in both delivery modes.
 *
 * For generated Control Tower organizations (nested OUs with ids, dev/staging/prod waves, the
 * catalog in a platform wave) it measures, per size:
 *   - `npm run plan` wall seconds (a process, as a user runs it),
 *   - `cdk synth` wall seconds and peak RSS, every guard on (or off with --guards off),
 *   - the synthesized pipeline: actions, stages and template bytes.
 * StackSet mode runs at every --accounts size; CDK Stages mode at the largest size the planner
 * accepts (found by bisection on the plan). It prints the figures, the stackset/stages ratios and
 * the slopes as accounts grow (targets P1-P3, README "Targets"); it never passes or fails on time.
 *
 *   npm run bench:synth-scale -- [--accounts 1,10,100,1000] [--regions 4] [--patterns all|id,id] [--runs 1] [--guards on|off] [--no-stages]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigOrThrow } from '../accounts/loader';
import { measureDraft } from '../pipeline/deployment-stages';
import { organizationContext } from '../pipeline/organization-context';
import { planRollout } from '../pipeline/planner';
import { REGISTRY } from '../pipeline/registry';
import { benchArgs } from './args';
import { workloadPatterns, writeGeneratedOrganization, type GeneratedOrganizationOptions } from './organizations';

const ROOT = path.resolve(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** Where generated organizations go: inside the repository, as synth requires. */
const SCRATCH = path.join(ROOT, '.tmp');
const REGION_POOL = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-west-2', 'ap-northeast-1'];

const USAGE = `Usage: npm run bench:synth-scale -- [options]

Synth seconds, peak memory and pipeline size of generated organizations, StackSet mode against
CDK Stages mode. Prints figures; never passes or fails on time.

Options:
  --accounts LIST   StackSet-mode sizes in member accounts (default 1,10,100,1000)
  --regions N       governed Regions, 1-${REGION_POOL.length} (default 4)
  --patterns P      all (default: every workload pattern) or a comma list of pattern ids
  --runs N          synth runs per size; the median is printed (default 1)
  --guards on|off   every guard on (default), or off to measure synth alone
  --no-stages       skip the CDK Stages comparison
  --help            show this help
`;

interface Options {
  readonly accounts: number[];
  readonly regions: string[];
  readonly patterns: string[];
  readonly runs: number;
  readonly guards: boolean;
  readonly stages: boolean;
}

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  const values = benchArgs(
    'bench:synth-scale',
    USAGE,
    {
      accounts: { type: 'string', default: '1,10,100,1000' },
      regions: { type: 'string', default: '4' },
      patterns: { type: 'string', default: 'all' },
      runs: { type: 'string', default: '1' },
      guards: { type: 'string', default: 'on' },
      'no-stages': { type: 'boolean' },
    },
    argv,
  );
  const whole = (name: string, text: string, min: number, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: "${text}" is not a whole number from ${min} to ${max}`);
    return n;
  };
  const patterns = values.patterns === 'all' ? workloadPatterns() : String(values.patterns).split(',');
  const unknown = patterns.filter((p) => !workloadPatterns().includes(p));
  if (unknown.length > 0) throw new UsageError(`--patterns: not a workload pattern: ${unknown.join(', ')} (choose from ${workloadPatterns().join(', ')})`);
  if (values.guards !== 'on' && values.guards !== 'off') throw new UsageError(`--guards: "${values.guards}" is on or off`);
  return {
    accounts: String(values.accounts)
      .split(',')
      .map((a) => whole('accounts', a, 1, 5000)),
    regions: REGION_POOL.slice(0, whole('regions', String(values.regions), 1, REGION_POOL.length)),
    patterns,
    runs: whole('runs', String(values.runs), 1, 20),
    guards: values.guards === 'on',
    stages: !values['no-stages'],
  };
}

interface Measured {
  readonly mode: 'stackset' | 'stages';
  readonly accounts: number;
  readonly instances: number;
  readonly planSeconds: number;
  readonly synthSeconds: number;
  readonly peakMb?: number;
  readonly actions: number;
  readonly pipelineStages: number;
  readonly templateKb: number;
}

function organizationDir(options: GeneratedOrganizationOptions): string {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const dir = fs.mkdtempSync(path.join(SCRATCH, `bench-${options.mode}-${options.accounts}-`));
  writeGeneratedOrganization(dir, options);
  return dir;
}

/** Whether the planner accepts the organization (in-process, shapes from stand-in stages). */
function accepted(options: GeneratedOrganizationOptions): boolean {
  const dir = organizationDir(options);
  try {
    const config = loadConfigOrThrow(dir);
    return planRollout(config, REGISTRY, (draft) => measureDraft(draft, REGISTRY, organizationContext(config))).plan !== undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest number of accounts the planner accepts in CDK Stages mode (bisection; the shape grows with accounts). */
function largestStagesOrganization(base: Omit<GeneratedOrganizationOptions, 'accounts' | 'mode'>): number {
  let low = 0;
  let high = 3;
  while (accepted({ ...base, mode: 'stages', accounts: high })) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (accepted({ ...base, mode: 'stages', accounts: mid })) low = mid;
    else high = mid;
  }
  return low;
}

function run(command: string, args: string[]): { seconds: number; peakMb?: number; stdout: string; stderr: string; status: number | null } {
  const started = process.hrtime.bigint();
  const result = TIME
    ? spawnSync(TIME, ['-f', 'PEAK_KB=%M', command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kb = /PEAK_KB=(\d+)/.exec(result.stderr ?? '')?.[1];
  return { seconds, peakMb: kb ? Number(kb) / 1024 : undefined, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(options: GeneratedOrganizationOptions, bench: Options): Measured {
  const dir = organizationDir(options);
  const configArg = path.relative(ROOT, dir);
  try {
    const plan = run(TSX, ['pipeline/cli/plan.ts', '--config', configArg, '--format', 'json']);
    if (plan.status !== 0) throw new Error(`npm run plan failed for ${configArg}:\n${plan.stderr}`);
    const json = JSON.parse(plan.stdout) as { waves: Array<{ stages: unknown[]; stackSets: Array<{ instances: unknown[] }> }> };
    const instances = json.waves.reduce((n, w) => n + w.stages.length + w.stackSets.reduce((m, s) => m + s.instances.length, 0), 0);
    const synths = Array.from({ length: bench.runs }, () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
      try {
        const r = run(CDK, ['synth', '-q', '-c', `config=${configArg}`, '-c', `guards=${bench.guards}`, '-o', out]);
        if (r.status !== 0) throw new Error(`cdk synth failed for ${configArg}:\n${r.stderr}`);
        const pipelineFile = fs.readdirSync(out).find((f) => f.endsWith('-pipeline.template.json'))!;
        const text = fs.readFileSync(path.join(out, pipelineFile), 'utf8');
        const pipeline = Object.values((JSON.parse(text) as { Resources: Record<string, { Type: string; Properties: { Stages?: Array<{ Actions: unknown[] }> } }> }).Resources).find(
          (x) => x.Type === 'AWS::CodePipeline::Pipeline',
        )!;
        const stages = pipeline.Properties.Stages!;
        return { ...r, actions: stages.reduce((n, s) => n + s.Actions.length, 0), stages: stages.length, bytes: Buffer.byteLength(text) };
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
    const peaks = synths.map((s) => s.peakMb).filter((p): p is number => p !== undefined);
    return {
      mode: options.mode,
      accounts: options.accounts,
      instances,
      planSeconds: plan.seconds,
      synthSeconds: median(synths.map((s) => s.seconds)),
      peakMb: peaks.length ? Math.max(...peaks) : undefined,
      actions: synths[0].actions,
      pipelineStages: synths[0].stages,
      templateKb: synths[0].bytes / 1000,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function printTable(rows: readonly Measured[]): void {
  const header = ['mode', 'accounts', 'stack instances', 'plan (s)', 'synth (s)', 'peak MB', 'actions', 'stages', 'template KB'];
  const table = [
    header,
    ...rows.map((r) => [
      r.mode,
      String(r.accounts),
      String(r.instances),
      r.planSeconds.toFixed(1),
      r.synthSeconds.toFixed(1),
      r.peakMb === undefined ? 'n/a' : r.peakMb.toFixed(0),
      String(r.actions),
      String(r.pipelineStages),
      r.templateKb.toFixed(0),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) process.stdout.write(`${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`);
}

function main(argv: string[]): number {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench:synth-scale: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  const base = { regions: options.regions, patterns: options.patterns };
  process.stdout.write(
    `cdk synth, ${os.cpus().length} cores, node ${process.version}, guards ${options.guards ? 'on' : 'off'}, median of ${options.runs} run(s); ${options.regions.length} Regions (${options.regions.join(', ')}); ` +
      `patterns per wave: ${options.patterns.join(', ')}; waves: platform (catalog), dev, staging, prod (approval)${TIME ? '' : '; no /usr/bin/time: peak memory not measured'}\n\n`,
  );
  const rows: Measured[] = [];
  if (options.stages) {
    const largest = largestStagesOrganization(base);
    if (largest === 0) process.stdout.write('stages mode: the planner accepts no organization of this shape (one account already exceeds the pipeline quotas)\n');
    else rows.push(measure({ ...base, mode: 'stages', accounts: largest }, options));
  }
  for (const accounts of options.accounts) rows.push(measure({ ...base, mode: 'stackset', accounts }, options));
  printTable(rows);

  const stackset = rows.filter((r) => r.mode === 'stackset');
  const stages = rows.find((r) => r.mode === 'stages');
  process.stdout.write('\n');
  if (stages) {
    for (const s of stackset) {
      process.stdout.write(
        `stackset ${s.accounts} accounts vs stages ${stages.accounts} accounts (largest accepted): ${(s.instances / stages.instances).toFixed(1)}× the stack instances, ` +
          `${(s.synthSeconds / stages.synthSeconds).toFixed(2)}× the synth seconds, ${(s.actions / stages.actions).toFixed(2)}× the pipeline actions\n`,
      );
    }
  }
  if (stackset.length > 1) {
    const per100 = (y: (r: Measured) => number) => slope(stackset.map((r) => [r.accounts, y(r)] as const)) * 100;
    process.stdout.write(
      `stackset slope per 100 accounts: ${per100((r) => r.synthSeconds).toFixed(3)} s synth, ${per100((r) => r.actions).toFixed(2)} pipeline actions, ${per100((r) => r.planSeconds).toFixed(3)} s plan\n`,
    );
  }
  const largest = stackset.sort((a, b) => b.accounts - a.accounts)[0];
  if (largest) {
    process.stdout.write(
      `targets (P3, ${largest.accounts} accounts): plan ${largest.planSeconds.toFixed(1)} s (≤ 5), synth ${largest.synthSeconds.toFixed(1)} s (≤ 60), peak ${largest.peakMb?.toFixed(0) ?? 'n/a'} MB (≤ 1024), ${largest.actions} actions (≤ 100)\n`,
    );
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
