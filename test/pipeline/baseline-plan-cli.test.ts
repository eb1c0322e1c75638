import { main } from '../../pipeline/cli/baseline-plan';
import { runCli } from '../support/cli';
import { configFixture } from '../support/config-fixture';

const run = (argv: string[]) => runCli(main, argv);

describe('npm run baseline:plan', () => {
  const dir = configFixture();

  it('prints the products of a Workloads/Prod account by dependency level, placeholders resolved, the OU\'s own account-baseline replacing the default', () => {
    const { code, out } = run(['--config', dir, '--account', '777777777777', '--ou', 'Workloads/Prod']);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 10)).toEqual([
      'Baseline for 777777777777 in Workloads/Prod (2 products, at most 60 minutes)',
      '',
      'Level 1',
      '  777777777777-cdk-bootstrap  (cdk-bootstrap; newest version; portfolio platform-baseline; Regions us-east-1, eu-west-1; starts the pipeline)',
      '      TrustedAccounts = 111111111111',
      'Level 2',
      '  777777777777-account-baseline  (account-baseline; newest version; portfolio platform-baseline; Regions us-east-1; after cdk-bootstrap)',
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
    expect(() => run(['--ou', 'Root'])).toThrow('--account and --ou are required');
  });

  it('--help lists the options', () => {
    const { out } = run(['--help']);
    for (const flag of ['--account ID', '--ou PATH', '--config DIR', '--format F']) expect(out).toContain(flag);
  });
});
