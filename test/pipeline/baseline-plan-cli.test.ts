import { main } from '../../pipeline/cli/baseline-plan';
import { runCli } from '../support/cli';
import { configFixture } from '../support/config-fixture';

const run = (argv: string[]) => runCli(main, argv);

describe('npm run baseline:plan', () => {
  const dir = configFixture();

  it("prints the products of a Workloads/Prod account by dependency level, placeholders resolved, the OU's own account-baseline replacing the default", () => {
    const { code, out } = run(['--config', dir, '--account', '777777777777', '--ou', 'Workloads/Prod']);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 10)).toEqual([
      'Baseline for 777777777777 in Workloads/Prod (2 products, at most 60 minutes)',
      '',
      'Level 1',
      '  777777777777-cdk-bootstrap  (cdk-bootstrap; newest version; portfolio platform-baseline; Regions us-east-1, eu-west-1; starts the pipeline)',
      '      TrustedAccounts = 111111111111',
      'Level 2',
      '  777777777777-account-baseline  (account-baseline; version v3; portfolio platform-baseline; Regions us-east-1; after cdk-bootstrap)',
      '      BudgetEmail = finops+777777777777@example.com',
      '      AuditAccountId = 333333333333',
      '      MonthlyBudgetUsd = 5000',
    ]);
  });

  it('gives a Dev account only the default products, as JSON', () => {
    const { out } = run(['--config', dir, '-a', '444444444444', '-o', 'Workloads/Dev', '--format', 'json']);
    const json = JSON.parse(out);
    expect(json.levels.map((l: Array<{ provisionName: string }>) => l.map((p) => p.provisionName))).toEqual([['cdk-bootstrap'], ['account-baseline']]);
    expect(json.bootstrapProduct).toBe('cdk-bootstrap');
  });

  it('refuses a bad account id, an unknown OU and missing flags as usage errors', () => {
    expect(() => run(['--account', '77777777777', '--ou', 'Root'])).toThrow('--account "77777777777" is not a 12-digit account id');
    expect(() => run(['--config', dir, '--account', '777777777777', '--ou', 'Workloads/Prd'])).toThrow('--ou "Workloads/Prd" is not an OU of organization.yaml (did you mean "Workloads/Prod"?)');
    expect(() => run(['--ou', 'Root'])).toThrow('--account and --ou (or --from-ou and --to-ou) are required');
    expect(() => run(['--config', dir, '--account', '777777777777', '--from-ou', 'Workloads/Dev'])).toThrow('--from-ou and --to-ou go together');
    expect(() => run(['--config', dir, '--account', '777777777777', '--ou', 'Root', '--from-ou', 'Root', '--to-ou', 'Sandbox'])).toThrow('give --ou, or --from-ou and --to-ou, not both');
    expect(() => run(['--config', dir, '--account', '777777777777', '--from-ou', 'Workloads/Dev', '--to-ou', 'Prod'])).toThrow('--to-ou "Prod" is not an OU of organization.yaml');
  });

  it('says which triggers an account would come through, and that Root is not governed', () => {
    const { out } = run(['--config', dir, '--account', '444444444444', '--ou', 'Workloads/Dev']);
    expect(out).toContain('It arrives through any of (one execution, whichever comes first):');
    expect(out).toContain('  - Organizations MoveAccount into Workloads/Dev (auto-enrollment): waits until Control Tower lists the account enrolled');
    const root = run(['--config', dir, '--account', '444444444444', '--ou', 'Root', '--format', 'json']);
    expect(JSON.parse(root.out)).toMatchObject({ governed: false, triggers: [], levels: [] });
  });

  it('--from-ou/--to-ou prints what a move changes: the trigger, updates with what differs, and what stays', () => {
    const { code, out } = run(['--config', dir, '--account', '444444444444', '--from-ou', 'Workloads/Dev', '--to-ou', 'Workloads/Prod']);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'Moving 444444444444 from Workloads/Dev to Workloads/Prod',
      '  trigger: Organizations MoveAccount into Workloads/Prod, then the enrollment gate',
      '  deploy:    (nothing)',
      '  update:    account-baseline (MonthlyBudgetUsd (unset) → 5000)',
      '  unchanged: cdk-bootstrap',
      '  terminate: (nothing)',
      '  keep:      (nothing)',
      '',
    ]);
    const back = JSON.parse(run(['--config', dir, '--account', '444444444444', '--from-ou', 'Workloads/Prod', '--to-ou', 'Workloads/Dev', '--format', 'json']).out);
    expect(back).toMatchObject({ deploy: [], update: [{ provisionName: 'account-baseline', changes: ['MonthlyBudgetUsd 5000 → (unset)'] }], unchanged: ['cdk-bootstrap'] });
  });

  it('a move into an ungoverned OU changes nothing, and says why', () => {
    const { out } = run(['--config', dir, '--account', '444444444444', '--from-ou', 'Workloads/Dev', '--to-ou', 'Root']);
    expect(out).toBe('Moving 444444444444 from Workloads/Dev to Root\n  trigger: none: Root is not governed, so the baseliner ignores the move and nothing changes\n');
  });

  it('terminates on leaving only the products that say so', () => {
    const withTerminate = configFixture({
      'baseline.yaml': (t: string) =>
        `${t}  Sandbox:\n    - { product: sandbox-budget, portfolio: platform-baseline, provisionName: sandbox-budget, regions: [us-east-1], terminateOnLeave: true }\n    - { product: sandbox-tags, portfolio: platform-baseline, provisionName: sandbox-tags, regions: [us-east-1] }\n`,
    });
    const moved = JSON.parse(runCli(main, ['--config', withTerminate, '--account', '444444444444', '--from-ou', 'Sandbox', '--to-ou', 'Workloads/Dev', '--format', 'json']).out);
    expect(moved).toMatchObject({ terminate: ['sandbox-budget'], keep: ['sandbox-tags'] });
  });

  it('--help lists the options', () => {
    const { out } = run(['--help']);
    for (const flag of ['--account ID', '--ou PATH', '--config DIR', '--format F']) expect(out).toContain(flag);
  });
});
