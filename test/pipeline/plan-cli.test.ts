import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../pipeline/cli/plan';
import { runCli } from '../support/cli';
import { allowedRegions, generatedOrganization, workloadPatterns } from '../../bench/organizations';
import { configFixture, replaceOnce } from '../support/config-fixture';

const run = (argv: string[]) => runCli(main, argv);

describe('npm run plan', () => {
  const dir = configFixture();

  it('prints a table with waves, approvals, the pipeline and the quota headroom', () => {
    const { code, out } = run(['--config', dir]);
    expect(code).toBe(0);
    expect(out).toContain('Wave 2: dev (14 StackSets, 14 actions)');
    expect(out).toMatch(/ {2}platform-delivery-dev-sns-fifo-jobs +sns-fifo-jobs +OU Workloads\/Dev → 2 accounts × 2 Regions +4\n/);
    expect(out).toMatch(/ {2}platform-delivery-dev-data-lake +data-lake +OU Workloads\/Dev → 2 accounts × 1 Region +2\n/);
    expect(out).toContain('Wave 3: prod — manual approval first (2 stages, 4 actions)');
    expect(out).toContain('  sns-fifo-jobs  prod     666666666666  eu-west-1  1');
    expect(out).toMatch(/Pipeline: Source\(1\) → Build\(1\) → UpdatePipeline\(1\) → Assets\(1\) → platform\(3\) → dev\(14\) → prod\(4\)/);
    expect(out).toMatch(/resources per stack \(largest: [\w-]+( StackSet template)?\)\s+\d+\s+500/);
    expect(out).toMatch(/StackSet template bytes \(largest: [\w-]+ StackSet template\)\s+\d+\s+1000000/);
    expect(out).toMatch(/actions per stage \(largest: dev\)\s+14\s+50\s+36 \(72%\)/);
  });

  it('prints JSON that tools can read', () => {
    // Nothing but the plan reaches stdout (constructs that print notices while the plan measures stacks would break tools).
    const log = jest.spyOn(console, 'log');
    const write = jest.spyOn(process.stdout, 'write');
    const { code, out } = run(['--config', dir, '--format', 'json']);
    expect(log).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
    log.mockRestore();
    write.mockRestore();
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.waves.map((w: { name: string; approval: boolean }) => [w.name, w.approval])).toEqual([
      ['platform', false],
      ['dev', false],
      ['prod', true],
    ]);
    expect(json.waves[2].stages[0]).toMatchObject({ id: 'sns-fifo-jobs-prod-us-east-1', accountId: '666666666666', stacks: 1, parameters: { publishEveryMinutes: 5 } });
    // Every stack instance of every StackSet, for tools.
    expect(json.waves[1].stackSets[0]).toMatchObject({
      stackSetName: 'platform-delivery-dev-sns-fifo-jobs',
      administrator: { accountId: '111111111111', region: 'us-east-1', callAs: 'SELF' },
      autoDeployment: true,
      groups: [{ organizationalUnits: ['Workloads/Dev'], organizationalUnitIds: ['ou-a1b2-44444444'], regions: ['us-east-1', 'eu-west-1'] }],
      instances: [
        { account: 'dev', accountId: '444444444444', ou: 'Workloads/Dev', region: 'us-east-1' },
        { account: 'dev', accountId: '444444444444', ou: 'Workloads/Dev', region: 'eu-west-1' },
        { account: 'test', accountId: '555555555555', ou: 'Workloads/Dev', region: 'us-east-1' },
        { account: 'test', accountId: '555555555555', ou: 'Workloads/Dev', region: 'eu-west-1' },
      ],
    });
    const total = json.pipeline.reduce((n: number, s: { actions: number }) => n + s.actions, 0);
    expect(json.quotas.find((q: { quota: string }) => q.quota === 'actions per pipeline')).toEqual({ quota: 'actions per pipeline', used: total, limit: 500, headroom: 500 - total });
  });

  it('prints markdown and a mermaid diagram of waves → targets → patterns', () => {
    const md = run(['--config', dir, '--format', 'markdown']).out;
    expect(md).toContain('## Wave 3: prod — manual approval first (2 stages, 4 actions)');
    expect(md).toContain('| `sns-fifo-jobs` | prod | 666666666666 | us-east-1 | 1 |');
    expect(md).toContain('| platform-delivery-dev-mq-consumer | mq-consumer | OU Workloads/Dev → 2 accounts × 2 Regions | 4 |');
    const mermaid = run(['--config', dir, '-f', 'mermaid']).out.split('\n');
    expect(mermaid[0]).toBe('flowchart LR');
    expect(mermaid).toContain('  wave_prod["3. prod (approval)"]');
    expect(mermaid).toContain('  wave_dev --> wave_prod');
    expect(mermaid).toContain('  wave_prod --> wave_prod_prod_us_east_1["prod us-east-1"]');
    expect(mermaid).toContain('  wave_prod_prod_us_east_1 --> wave_prod_prod_us_east_1_sns_fifo_jobs(["sns-fifo-jobs"])');
    expect(mermaid).toContain('  wave_dev --> wave_dev_stackset_dev_sns_fifo_jobs[["sns-fifo-jobs (StackSet)<br/>OU Workloads/Dev → 2 accounts × 2 Regions"]]');
  });

  it('keeps a 1,000-account plan readable: one row and one box per StackSet, far under Mermaid’s 500 edges', () => {
    const { organization, delivery } = generatedOrganization({ accounts: 1000, regions: ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'], patterns: workloadPatterns(), mode: 'stackset' });
    const big = configFixture({ 'organization.yaml': organization, 'delivery.yaml': delivery, 'baseline.yaml': null });
    const table = run(['--config', big]).out;
    expect(table).toMatch(/ {2}platform-delivery-prod-sns-fifo-jobs +sns-fifo-jobs +OU Workloads\/Prod → 333 accounts × 4 Regions +1332\n/);
    expect(table.split('\n').length).toBeLessThan(80);
    const edges = run(['--config', big, '-f', 'mermaid'])
      .out.split('\n')
      .filter((l) => l.includes('-->'));
    expect(edges.length).toBe(3 /* wave → wave */ + 1 /* platform → management target */ + 1 /* → catalog */ + 3 * workloadPatterns().length);
    const json = JSON.parse(run(['--config', big, '-f', 'json']).out);
    const instances = json.waves.flatMap((w: { stackSets: Array<{ instances: unknown[] }> }) => w.stackSets.flatMap((s) => s.instances));
    // Every pattern in each of its Regions (fake-bot-blocker's CLOUDFRONT web ACL: us-east-1 only).
    const regions = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
    expect(instances).toHaveLength(1000 * workloadPatterns().reduce((n, p) => n + allowedRegions(p, regions).length, 0));
  });

  it('lists the patterns with their parameters', () => {
    const { out } = run(['--list-patterns']);
    expect(out).toContain('  sns-fifo-jobs — SNS FIFO job events');
    expect(out).toContain('      publishEveryMinutes (default 1): How often the sample publisher emits a job lifecycle.');
    expect(out).toContain('  baseliner — account baseliner');
    // Parameters behind .refine/.transform and .default wrappers are listed too, with what they default to.
    expect(out).toContain('      queue (default "myQueue"): The queue the Lambda event source mapping reads (exactly one).');
    expect(out).toContain('      instanceType (optional): Broker instance type;');
    expect(out).toContain('      repository (required): The repository holding the content file');
    expect(out).toContain('      logRetentionDays (default 365): Days to keep function logs (at least 365).');
    expect(out).toMatch(/ {6}columns \(default \[\{"name":"dispatching_base_num".{20,40}\.\.\.\): Columns/);
    // An object parameter whose fields all have defaults has a default, not "(required)".
    expect(out).toContain('      readCapacity (default {"min":1,"max":50,"targetPercent":50}): Read auto scaling');
    expect(out).toContain('      share (default {"organization":true,"organizationalUnitIds":[]}): Who sees the portfolio');
    // Where each pattern may go.
    expect(out).toMatch(/ {2}spice-refresh — [^\n]*\n {6}delivered as: [^\n]*\n {6}goes to: Regions with Amazon QuickSight \(us-east-1, /);
    expect(out).toMatch(
      / {2}baseliner — [^\n]*\n {6}delivered as: [^\n]*\n {6}goes to: the management account, in the home Region \(plus a forwarding rule in us-east-1 when the home Region is another\)\n/,
    );
    expect(out).toMatch(/ {2}sns-fifo-jobs — [^\n]*\n {6}delivered as: [^\n]*\n {6}goes to: any governed account and Region\n/);
    expect(out).not.toContain('deployed by:');
  });

  it('lists the patterns with the waves of --config that deploy each, and refuses a bad --config', () => {
    const { out, code } = run(['--list-patterns', '--config', configFixture()]);
    expect(code).toBe(0);
    expect(out).toMatch(/ {2}sns-fifo-jobs — [^\n]*\n(?: {6}[^\n]*\n){2} {6}deployed by: dev, prod\n/);
    expect(out).toMatch(/ {2}privatelink-lambda — [^\n]*\n(?: {6}[^\n]*\n){2} {6}deployed by: no wave of this config\n/);
    const bad = run(['--list-patterns', '--config', configFixture({ 'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev]', 'organizationalUnits: [Workloads/Dve]') })]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('OU "Workloads/Dve" does not exist');
  });

  it('--help describes every option', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--config DIR', '--format F', '--list-patterns', '--help']) expect(out).toContain(flag);
  });

  it('refuses a bad config with every issue, exit 1, and nothing on stdout', () => {
    const bad = configFixture({ 'delivery.yaml': replaceOnce('      - sns-fifo-jobs\n', '      - sns-fifo\n') });
    const { code, out, err } = run(['--config', bad]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`1 configuration error:\n  ${path.join(bad, 'delivery.yaml')}: waves[1].patterns[0]: unknown pattern "sns-fifo" (did you mean "sns-fifo-jobs"?)\n`);
  });

  it('refuses an unknown format as a usage error', () => {
    expect(() => run(['--format', 'yaml'])).toThrow('unknown format "yaml": use one of table, json, markdown, mermaid');
  });

  it('as a process: an unknown flag exits 2, a bad config exits 1, neither prints a stack trace', () => {
    const tsx = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const cli = path.join(__dirname, '..', '..', 'pipeline', 'cli', 'plan.ts');
    const flag = spawnSync(tsx, [cli, '--bogus'], { encoding: 'utf8' });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toBe("Unknown option '--bogus'\nRun with --help for the options.\n");
    const bad = spawnSync(tsx, [cli, '--config', configFixture({ 'organization.yaml': replaceOnce('id: "444444444444"', 'id: "44444444444"') })], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^1 configuration error:\n {2}.*organization\.yaml: accounts\[3\]\.id: account id "44444444444" has 11 digits/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
