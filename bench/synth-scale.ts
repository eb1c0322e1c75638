/**
 * bench/synth-scale: synth time and peak memory of `cdk synth` for organizations of 1, 4, 16 and
 * 64 account-Region targets, with the guards on and off, plus the per-target slope.
 * Prints figures; it never passes or fails on time (targets P1, P2 in TARGETS.md).
 *
 *   npm run bench:synth-scale -- [--runs 3] [--sizes 1,4,16,64] [--patterns sns-fifo-jobs|all|id,id]
 *
 * A target is one account-Region; with several patterns each target gets every one of them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REGISTRY } from '../stages';

const ROOT = path.resolve(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const MAX_STAGES_PER_WAVE = 24; // 48 deploy actions + an approval stays under 50 per pipeline stage

/** Parameters a pattern cannot do without, for a benchmark organization. */
const REQUIRED_PARAMETERS: Record<string, Record<string, unknown>> = { 'content-aggregator': { repository: 'example-org/serverless-site' } };
/** Patterns that live in the management account only. */
const PLATFORM_PATTERNS = new Set(['baseliner', 'catalog']);

export function workloadPatterns(): string[] {
  return [...REGISTRY.patterns.keys()].filter((id) => !PLATFORM_PATTERNS.has(id));
}

/** An organization with `targets` account-Region targets, each with every pattern, in waves that fit the quotas. */
export function writeOrganization(dir: string, targets: number, patterns: readonly string[] = ['sns-fifo-jobs']): void {
  const regions = targets === 1 ? ['us-east-1'] : ['us-east-1', 'eu-west-1'];
  const accounts = Math.ceil(targets / regions.length);
  const ids = Array.from({ length: accounts }, (_, i) => String(200000000000 + i));
  fs.mkdirSync(path.join(dir, 'updates'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'organization.yaml'),
    `management: { account: "111111111111", homeRegion: us-east-1 }
pipeline:
  repository: example-org/platform-delivery
  connectionArn: arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000
regions: [us-east-1, eu-west-1]
organizationalUnits: [Workloads]
accounts:
  - { name: management, id: "111111111111", email: root@example.com, ou: Root }
${ids.map((id, i) => `  - { name: w${i}, id: "${id}", email: w${i}@example.com, ou: Workloads }`).join('\n')}
`,
  );
  const perWave = Math.max(1, Math.floor(MAX_STAGES_PER_WAVE / (regions.length * patterns.length)));
  const patternList = patterns.map((id) => (REQUIRED_PARAMETERS[id] ? `{ id: ${id}, parameters: ${JSON.stringify(REQUIRED_PARAMETERS[id])} }` : id)).join(', ');
  const waves: string[] = [];
  for (let i = 0; i < accounts; i += perWave) {
    const names = ids.slice(i, i + perWave).map((_, j) => `w${i + j}`);
    waves.push(`  - name: wave-${waves.length + 1}\n    approval: ${waves.length > 0}\n    targets: [{ accounts: [${names.join(', ')}], regions: [${regions.join(', ')}] }]\n    patterns: [${patternList}]`);
  }
  fs.writeFileSync(path.join(dir, 'delivery.yaml'), `waves:\n${waves.join('\n')}\n`);
}

interface Run {
  seconds: number;
  peakMb?: number;
}

function synthOnce(configDir: string, guards: boolean): Run {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  const args = ['synth', '-q', '-c', `config=${configDir}`, '-c', `guards=${guards}`, '-o', out];
  const started = process.hrtime.bigint();
  const result = TIME ? spawnSync(TIME, ['-f', 'PEAK_KB=%M', CDK, ...args], { cwd: ROOT, encoding: 'utf8' }) : spawnSync(CDK, args, { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`cdk synth failed for ${configDir}:\n${result.stderr}`);
  const kb = /PEAK_KB=(\d+)/.exec(result.stderr ?? '')?.[1];
  return { seconds, peakMb: kb ? Number(kb) / 1024 : undefined };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Least-squares slope of seconds over targets. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '1,4,16,64' }, patterns: { type: 'string', default: 'sns-fifo-jobs' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run bench:synth-scale -- [--runs N] [--sizes 1,4,16,64] [--patterns sns-fifo-jobs|all|id,id]\n' +
        'Prints median synth seconds and peak RSS per organization size, guards on and off.\n' +
        `--patterns all: every workload pattern on every target (${workloadPatterns().join(', ')}); keep sizes ≤ 16 so the pipeline stays under 500 actions.\n`,
    );
    return;
  }
  const patterns = values.patterns === 'all' ? workloadPatterns() : String(values.patterns).split(',');
  const unknown = patterns.filter((p) => !REGISTRY.patterns.has(p) || PLATFORM_PATTERNS.has(p));
  if (unknown.length > 0) throw new Error(`--patterns: not a workload pattern: ${unknown.join(', ')} (choose from ${workloadPatterns().join(', ')})`);
  const runs = Number(values.runs);
  const sizes = String(values.sizes).split(',').map(Number);
  const rows: Array<{ targets: number; on: Run; off: Run }> = [];
  process.stdout.write(`cdk synth, ${os.cpus().length} cores, node ${process.version}, median of ${runs} runs, patterns per target: ${patterns.join(', ')}${TIME ? '' : ' (no /usr/bin/time: peak memory not measured)'}\n\n`);
  for (const targets of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-org-${targets}-`));
    writeOrganization(dir, targets, patterns);
    const measure = (guards: boolean): Run => {
      const all = Array.from({ length: runs }, () => synthOnce(dir, guards));
      const peaks = all.map((r) => r.peakMb).filter((p): p is number => p !== undefined);
      return { seconds: median(all.map((r) => r.seconds)), peakMb: peaks.length ? Math.max(...peaks) : undefined };
    };
    rows.push({ targets, on: measure(true), off: measure(false) });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mb = (r: Run) => (r.peakMb === undefined ? 'n/a' : r.peakMb.toFixed(0));
  const header = ['targets', 'guards on (s)', 'peak MB', 'guards off (s)', 'peak MB', 'guard cost (s)'];
  const table = [header, ...rows.map((r) => [String(r.targets), r.on.seconds.toFixed(1), mb(r.on), r.off.seconds.toFixed(1), mb(r.off), (r.on.seconds - r.off.seconds).toFixed(1)])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) process.stdout.write(`${row.map((c, i) => c.padStart(widths[i])).join('  ')}\n`);
  process.stdout.write(`\nslope: ${slope(rows.map((r) => [r.targets, r.on.seconds])).toFixed(3)} s per target with guards, ${slope(rows.map((r) => [r.targets, r.off.seconds])).toFixed(3)} s without (target P2: ≤ 1 s)\n`);
}

if (require.main === module) main();
