/**
 * bench/baseliner: vends N = 1, 10, 50 accounts with the sample baseline through the real trigger,
 * the synthesized state machine (aws-local-stepfunctions) and the real handlers, on a virtual clock:
 * each product's provisioning takes a duration drawn from a realistic range, and every Wait the
 * workflow asks for advances that product's clock. Prints, per account, time to baselined against
 * the ideal critical path, state transitions and Service Catalog calls per product, and the same
 * for a model of the original sample's fixed 60 s loop. Accounts arrive through Account Factory
 * (CreateManagedAccount: enrolled, no gate) or through MoveAccount (auto-enrollment: the workflow's
 * enrollment gate checks first, played from the Go function's scenario "enrolledAtOnce"). Figures
 * only; it passes or fails on nothing.
 *
 *   npm run bench:baseliner -- [--accounts 1,10,50] [--spread 0.15,0.4] [--arrival factory,move] [--seed 7]
 */
import './quiet-env';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchArgs } from './args';
import { DescribeRecordCommand, ProvisionProductCommand } from '@aws-sdk/client-service-catalog';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Baseline } from '../accounts/schema';
import * as yaml from 'js-yaml';
import { useClock } from '../functions/baseliner/shared/clock';
import { productsForAccount } from '../accounts/baseline-selection';
import { handler as trigger } from '../functions/baseliner/trigger';
import { baselinerDefinition, enrollmentGate, runBaseline, synthesizeBaseliner } from '../worlds/baseliner-asl';
import { BaselinerWorld, controlTowerEvent, moveAccountEvent } from '../worlds/baseliner-world';

export type Arrival = 'factory' | 'move';

/**
 * Typical seconds a StackSet-backed product takes to provision (two Regions take longer); each run
 * draws uniformly within ± spread of it.
 */
const DURATION_MEAN: Record<string, number> = { 'cdk-bootstrap': 300, 'account-baseline': 420 };
/** Lambda task latency and Step Functions transition latency, seconds. */
const TASK_LATENCY = 0.25;
const TRANSITION_LATENCY = 0.05;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface AccountResult {
  accountId: string;
  ou: string;
  products: number;
  ideal: number;
  ours: number;
  transitions: number;
  scCalls: number;
  fixed: { time: number; transitions: number; scCalls: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function simulate(accounts: number, seed: number, spread: number, arrival: Arrival): Promise<AccountResult[]> {
  const baselineText = fs.readFileSync(path.join(__dirname, '..', 'accounts', 'baseline.yaml'), 'utf8');
  const baseline = Baseline.parse(yaml.load(baselineText));
  const world = new BaselinerWorld({ 'baseline.yaml': baselineText }, ['v1', 'v2', 'v3']);
  process.env.MAX_POLLS = '60';
  const random = rng(seed);
  const definition = baselinerDefinition(synthesizeBaseliner().template);
  const duration = new Map<string, number>(); // provisioned product name → seconds
  const startedAt = new Map<string, number>(); // record id → virtual ms when ProvisionProduct ran
  const detected = new Map<string, number>(); // provisioned product name → seconds until the workflow saw it finish
  const tasks = new Map<string, number>();
  world.sc.on(DescribeRecordCommand).callsFake((i) => {
    const name = String(i.Id).replace(/^rec-/, '');
    const done = (now - startedAt.get(i.Id)!) / 1000 >= duration.get(name)!;
    return { RecordDetail: { RecordId: i.Id, Status: done ? 'SUCCEEDED' : 'IN_PROGRESS', RecordErrors: [] } };
  });
  let transitions = 0;
  let gateChecks = 0;
  // One virtual clock for the handlers: it starts with each execution and advances by every Wait
  // state and every sleep of a poll task. (The sample baseline is a chain: no two products wait at once.)
  let now = Date.now();
  useClock(
    () => now,
    async (ms) => {
      now += ms;
    },
  );
  world.sfn.on(StartExecutionCommand).callsFake(async (input) => {
    now = Date.now();
    gateChecks = 0;
    const gate = enrollmentGate('enrolledAtOnce');
    const check = (payload: Record<string, unknown>) => {
      gateChecks++;
      return gate(payload);
    };
    const run = await runBaseline(
      definition,
      JSON.parse(input.input),
      input.name,
      (state, payload) => {
        const p = payload as { product?: { provisionedProductName: string }; record?: { recordId: string; waitSeconds: number } };
        const name = p.product?.provisionedProductName ?? p.record?.recordId.replace(/^rec-/, '');
        if (name) tasks.set(name, (tasks.get(name) ?? 0) + 1);
        if (state === 'Provision' && p.product) startedAt.set(`rec-${p.product.provisionedProductName}`, now);
        if (state === 'PollRecord' && p.record) now += p.record.waitSeconds * 1000;
        if (state === 'ProductSucceeded' && p.product) detected.set(p.product.provisionedProductName, (now - startedAt.get(`rec-${p.product.provisionedProductName}`)!) / 1000);
      },
      check,
    );
    if (run.status !== 'SUCCEEDED') throw new Error(`baseline failed: ${run.error}\n${JSON.stringify(world.messages(), null, 1).slice(0, 3000)}`);
    transitions = run.transitions;
    return { executionArn: 'arn', startDate: new Date() };
  });

  const results: AccountResult[] = [];
  for (let n = 0; n < accounts; n++) {
    const accountId = String(880000000000 + n);
    const ou = n % 2 === 0 ? { path: 'Workloads/Prod', name: 'Prod', id: 'ou-prod' } : { path: 'Workloads/Dev', name: 'Dev', id: 'ou-dev' };
    // The simulated organization places every new account where the event says.
    world.orgs.on((await import('@aws-sdk/client-organizations')).ListAccountsForParentCommand).callsFake((i) => ({
      Accounts: i.ParentId === ou.id ? [{ Id: accountId, Name: `acct-${n}`, Email: `${accountId}@example.com`, State: 'ACTIVE' }] : [],
    }));
    const products = productsForAccount(baseline, ou.path, [ou.id]);
    for (const p of products) {
      const mean = DURATION_MEAN[p.product] ?? 240;
      duration.set(`${accountId}-${p.provisionName}`, Math.round(mean * (1 - spread + 2 * spread * random())));
    }
    const scBefore = world.sc.commandCalls(ProvisionProductCommand).length + world.sc.commandCalls(DescribeRecordCommand).length;
    const result = await trigger(arrival === 'factory' ? controlTowerEvent(accountId, { name: ou.name, id: ou.id }) : moveAccountEvent(accountId, 'r-root', ou.id));
    if (result.status !== 'started') throw new Error(`trigger: ${result.status} ${result.reason ?? ''}`);
    const scCalls = world.sc.commandCalls(ProvisionProductCommand).length + world.sc.commandCalls(DescribeRecordCommand).length - scBefore;

    // Levels run one after another; a level ends when its slowest product is seen finished.
    const d = (name: string) => duration.get(`${accountId}-${name}`)!;
    const finish = new Map<string, number>();
    const idealFinish = (name: string): number => {
      if (finish.has(name)) return finish.get(name)!;
      const p = products.find((x) => x.provisionName === name)!;
      const start = Math.max(0, ...p.dependsOn.map(idealFinish));
      finish.set(name, start + d(name));
      return start + d(name);
    };
    const ideal = Math.max(...products.map((p) => idealFinish(p.provisionName)));
    const levels: string[][] = [];
    for (const p of products) {
      const depth = (x: string): number => Math.max(0, ...products.find((q) => q.provisionName === x)!.dependsOn.map((dep) => depth(dep) + 1));
      (levels[depth(p.provisionName)] ??= []).push(p.provisionName);
    }
    const ours =
      levels.reduce((t, level) => t + Math.max(...level.map((name) => detected.get(`${accountId}-${name}`)! + (tasks.get(`${accountId}-${name}`) ?? 0) * TASK_LATENCY)), 0) +
      transitions * TRANSITION_LATENCY +
      gateChecks * TASK_LATENCY;

    // The original sample: provision, then every 60 s describe; a dependent starts at the next tick after its dependency is seen done.
    const fixedFinish = new Map<string, number>();
    const fixedEnd = (name: string): number => {
      if (fixedFinish.has(name)) return fixedFinish.get(name)!;
      const p = products.find((x) => x.provisionName === name)!;
      const depsSeen = Math.max(0, ...p.dependsOn.map(fixedEnd));
      const start = p.dependsOn.length ? Math.ceil(depsSeen / 60) * 60 + 60 : 0;
      const end = start + Math.ceil(d(name) / 60) * 60;
      fixedFinish.set(name, end);
      return end;
    };
    const fixedTime = Math.max(...products.map((p) => fixedEnd(p.provisionName)));
    const fixedPolls = products.reduce((n2, p) => n2 + Math.ceil(d(p.provisionName) / 60), 0);
    results.push({
      accountId,
      ou: ou.path,
      products: products.length,
      ideal,
      ours,
      transitions: transitions / products.length,
      scCalls: scCalls / products.length,
      fixed: { time: fixedTime, transitions: (3 * fixedPolls + 3 * products.length) / products.length, scCalls: (fixedPolls + products.length) / products.length },
    });
  }
  world.restore();
  return results;
}

async function main(): Promise<void> {
  const values = benchArgs('bench:baseliner', 'Usage: npm run bench:baseliner -- [--accounts 1,10,50] [--spread 0.15,0.4] [--arrival factory,move] [--seed N]\n', {
    accounts: { type: 'string', default: '1,10,50' },
    spread: { type: 'string', default: '0.15,0.4' },
    arrival: { type: 'string', default: 'factory,move' },
    seed: { type: 'string', default: '7' },
  });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION ??= 'us-east-1';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  process.stdout.write(
    "Baseliner on a virtual clock. Typical durations: cdk-bootstrap 5 min, account-baseline 7 min, each run within ± spread; accounts alternate Prod and Dev, each getting the sample baseline.yaml's products for its OU (cdk-bootstrap, then account-baseline).\n\n",
  );
  const arrivals = String(values.arrival).split(',');
  for (const a of arrivals) if (a !== 'factory' && a !== 'move') throw new Error(`--arrival: unknown "${a}" (factory or move)`);
  const header = [
    'arrival',
    'accounts',
    'spread',
    'overhead median',
    'overhead max',
    'transitions/product',
    'SC calls/product',
    '60 s loop: overhead median',
    'transitions/product',
    'SC calls/product',
  ];
  const rows = [header];
  for (const arrival of arrivals as Arrival[])
    for (const spread of String(values.spread).split(',').map(Number))
      for (const n of String(values.accounts).split(',').map(Number)) {
        const r = await simulate(n, Number(values.seed), spread, arrival);
        const over = r.map((a) => (a.ours - a.ideal) / a.ideal);
        const fixedOver = r.map((a) => (a.fixed.time - a.ideal) / a.ideal);
        rows.push([
          arrival === 'factory' ? 'Account Factory' : 'MoveAccount + gate',
          String(n),
          `±${Math.round(spread * 100)}%`,
          pct(median(over)),
          pct(Math.max(...over)),
          median(r.map((a) => a.transitions)).toFixed(1),
          median(r.map((a) => a.scCalls)).toFixed(1),
          pct(median(fixedOver)),
          median(r.map((a) => a.fixed.transitions)).toFixed(1),
          median(r.map((a) => a.fixed.scCalls)).toFixed(1),
        ]);
        if (n === 10 && spread === 0.15 && arrival === 'factory') {
          for (const a of r.slice(0, 10)) {
            process.stdout.write(
              `  ${a.accountId} ${a.ou.padEnd(14)} ideal ${(a.ideal / 60).toFixed(1)} min, ours ${(a.ours / 60).toFixed(1)} min (+${pct((a.ours - a.ideal) / a.ideal)}), 60 s loop ${(a.fixed.time / 60).toFixed(1)} min (+${pct((a.fixed.time - a.ideal) / a.ideal)})\n`,
            );
          }
          process.stdout.write('\n');
        }
      }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padStart(widths[i])).join('  ')}\n`);
  process.stdout.write("\nSC calls count ProvisionProduct and DescribeRecord; overhead is time to baselined over the ideal critical path of the products' own durations.\n");
}

if (require.main === module) void main();
