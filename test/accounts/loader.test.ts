import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIssue } from '../../accounts/issues';
import { loadConfig, loadConfigOrThrow } from '../../accounts/loader';
import { REGISTRY } from '../../pipeline/registry';
import { planDeployments } from '../../pipeline/planner';
import { configFixture, replaceOnce } from '../support/config-fixture';

/** Every message the loader and the planner give for a config, formatted as users see them. */
function messages(dir: string): string[] {
  const { config, issues } = loadConfig(dir);
  const planned = config && issues.length === 0 ? planDeployments(config, REGISTRY).issues : [];
  return [...issues, ...planned].map(formatIssue).map((m) => m.split(dir + path.sep).join('<dir>/'));
}

describe('the sample organization', () => {
  it('loads and plans with no issues', () => {
    expect(messages(path.join(__dirname, '..', '..', 'accounts'))).toEqual([]);
    const config = loadConfigOrThrow(configFixture());
    expect(config.organization.accounts.map((a) => a.name)).toEqual(['management', 'log-archive', 'audit', 'dev', 'test', 'prod']);
    expect(config.delivery.waves.map((w) => [w.name, w.approval])).toEqual([
      ['platform', false],
      ['dev', false],
      ['prod', true],
    ]);
    expect(config.baseline.bootstrapProduct).toBe('cdk-bootstrap');
    expect(Object.keys(config.baseline.organizationalUnits)).toEqual(['default', 'Workloads/Prod']);
  });
});

describe('bad organization.yaml', () => {
  it('rejects an unknown key with a suggestion', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('regions: [us-east-1, eu-west-1]', 'regoins: [us-east-1, eu-west-1]') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: regions: missing (add "regions")', '<dir>/organization.yaml: regoins: unknown key "regoins" (did you mean "regions"?)']);
  });

  it('rejects an unknown key inside a list item', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('email: dev@example.com,', 'emial: dev@example.com,') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[3].email: missing (add "email")', '<dir>/organization.yaml: accounts[3].emial: unknown key "emial" (did you mean "email"?)']);
  });

  it('rejects an 11-digit account id', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('id: "444444444444"', 'id: "44444444444"') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[3].id: account id "44444444444" has 11 digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")']);
  });

  it('says to quote an unquoted id, restoring the leading zero YAML dropped', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('id: "444444444444"', 'id: 044444444444') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[3].id: account id 44444444444 is a number: YAML read it unquoted and dropped its leading zeros (quote it: "044444444444")']);
  });

  it('says to quote an unquoted 12-digit management account', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('account: "111111111111"', 'account: 111111111111') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: management.account: account id 111111111111 is a number: YAML read it unquoted (quote it: "111111111111")']);
  });

  it('rejects an account id with letters', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('id: "555555555555"', 'id: "55555555555x"') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[4].id: account id "55555555555x" is not all digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")']);
  });

  it('rejects a duplicate account, naming both entries', () => {
    const dir = configFixture({
      'organization.yaml': replaceOnce('  - { name: prod,', '  - { name: dev, id: "777777777777", email: dev@example.com, ou: Workloads/Dev }\n  - { name: prod,'),
    });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: accounts[5].name: duplicate account name "dev" (also accounts[3]) (each account needs its own name)',
      '<dir>/organization.yaml: accounts[5].email: duplicate account email "dev@example.com" (also accounts[3]) (each account needs its own email)',
    ]);
  });

  it('rejects a duplicate account id', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('id: "555555555555"', 'id: "444444444444"') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[4].id: duplicate account id "444444444444" (also accounts[3]) (each account needs its own id)']);
  });

  it('rejects an account in an OU that does not exist, with a suggestion', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('ou: Workloads/Prod }', 'ou: Workloads/Prd }') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: accounts[5].ou: OU "Workloads/Prd" does not exist (did you mean "Workloads/Prod"? Or add it to organizationalUnits)']);
  });

  it('rejects a nested OU whose parent is not listed', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('Infrastructure, Workloads, Workloads/Dev', 'Infrastructure, Workloads/Dev') });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: organizationalUnits[2]: the parent OU "Workloads" of "Workloads/Dev" is not listed (add "Workloads" to organizationalUnits)',
      '<dir>/organization.yaml: organizationalUnits[3]: the parent OU "Workloads" of "Workloads/Prod" is not listed (add "Workloads" to organizationalUnits)',
      '<dir>/organization.yaml: organizationalUnitIds.Workloads: OU "Workloads" is not listed (did you mean "Workloads/Dev"? Or add it to organizationalUnits)',
    ]);
  });

  it('rejects a home Region that is not governed, and every use of the Region it removed', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('regions: [us-east-1, eu-west-1]', 'regions: [eu-west-1]') });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: management.homeRegion: home Region "us-east-1" is not governed (add it to regions: [eu-west-1])',
      '<dir>/delivery.yaml: waves[0].targets[0].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1; add it to organization.yaml regions first)',
      '<dir>/delivery.yaml: waves[1].targets[0].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1; add it to organization.yaml regions first)',
      '<dir>/delivery.yaml: waves[1].patterns[3].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[4].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[5].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[7].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[8].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[9].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[11].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[12].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[1].patterns[13].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/delivery.yaml: waves[2].targets[0].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1; add it to organization.yaml regions first)',
      '<dir>/baseline.yaml: organizationalUnits.default[0].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/baseline.yaml: organizationalUnits.default[1].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
      '<dir>/baseline.yaml: organizationalUnits.Workloads/Prod[0].regions[0]: Region "us-east-1" is not governed (governed Regions are eu-west-1)',
    ]);
  });

  it('rejects a string that is not a Region and an email that is not one', () => {
    const dir = configFixture({
      'organization.yaml': (s) => replaceOnce('regions: [us-east-1, eu-west-1]', 'regions: [us-east-1, europe]')(replaceOnce('email: audit@example.com', 'email: audit-at-example.com')(s)),
    });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: regions[1]: "europe": not an AWS Region name',
      '<dir>/organization.yaml: accounts[2].email: "audit-at-example.com": not an email address',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const dir = configFixture({ 'organization.yaml': 'management:\n  account: "111111111111\n' });
    const [only, ...rest] = messages(dir);
    expect(rest).toEqual([]);
    expect(only).toMatch(/^<dir>\/organization\.yaml: line \d+, column \d+: YAML syntax: /);
  });

  it('reports a missing required file', () => {
    const dir = configFixture({ 'delivery.yaml': null });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: file not found (create it; see the sample in accounts/ and README "Configuration")']);
  });

  it('reports several errors in one file together', () => {
    const dir = configFixture({
      'organization.yaml': (s) =>
        [
          replaceOnce('id: "222222222222"', 'id: "22222222222"'),
          replaceOnce('audit@example.com,       ou: Security }', 'audit@example.com,       ou: Securty }'),
          replaceOnce('homeRegion: us-east-1', 'homeRegion: us-east-1\n  extra: true'),
        ].reduce((acc, f) => f(acc), s),
    });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: management.extra: unknown key "extra" (known keys: "account", "homeRegion", "organizationId")',
      '<dir>/organization.yaml: accounts[1].id: account id "22222222222" has 11 digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")',
    ]);
    // Cross-checks run once the schema passes: the OU typo is then reported with the rest.
    const dir2 = configFixture({
      'organization.yaml': (s) =>
        [replaceOnce('audit@example.com,       ou: Security }', 'audit@example.com,       ou: Securty }'), replaceOnce('id: "555555555555"', 'id: "444444444444"')].reduce((acc, f) => f(acc), s),
    });
    expect(messages(dir2)).toEqual([
      '<dir>/organization.yaml: accounts[4].id: duplicate account id "444444444444" (also accounts[3]) (each account needs its own id)',
      '<dir>/organization.yaml: accounts[2].ou: OU "Securty" does not exist (did you mean "Security"? Or add it to organizationalUnits)',
    ]);
  });

  it('reports errors of several files at once', () => {
    const dir = configFixture({
      'organization.yaml': replaceOnce('id: "444444444444"', 'id: "4444"'),
      'delivery.yaml': replaceOnce('approval: true', 'aproval: true'),
    });
    expect(messages(dir)).toEqual([
      '<dir>/organization.yaml: accounts[3].id: account id "4444" has 4 digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")',
      '<dir>/delivery.yaml: waves[2].aproval: unknown key "aproval" (did you mean "approval"?)',
    ]);
  });
});

describe('bad delivery.yaml', () => {
  it('rejects an unknown pattern with a suggestion', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('      - sns-fifo-jobs\n', '      - sns-fifo\n') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[1].patterns[0]: unknown pattern "sns-fifo" (did you mean "sns-fifo-jobs"?)']);
  });

  it('refuses the catalog and the baseliner anywhere but the management account in the home Region', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('accounts: [management], regions: [us-east-1]', 'accounts: [management, audit], regions: [us-east-1, eu-west-1]') });
    const where = (pattern: string, i: number, account: string, region: string) =>
      `<dir>/delivery.yaml: waves[0].patterns[${i}]: ${pattern} cannot go to ${account} in ${region}: the ${pattern} lives in the management account, in the Control Tower home Region (target accounts: [111111111111], regions: [us-east-1] only)`;
    expect(messages(dir)).toEqual([
      where('catalog', 0, 'management', 'eu-west-1'),
      where('catalog', 0, 'audit', 'us-east-1'),
      where('catalog', 0, 'audit', 'eu-west-1'),
      '<dir>/delivery.yaml: waves[0].patterns[1]: baseliner cannot go to management in eu-west-1: the baseliner lives in the management account, in the Control Tower home Region (target accounts: [111111111111], regions: [us-east-1] only)',
      '<dir>/delivery.yaml: waves[0].patterns[1]: baseliner cannot go to audit in us-east-1: the baseliner lives in the management account, in the Control Tower home Region (target accounts: [111111111111], regions: [us-east-1] only)',
      '<dir>/delivery.yaml: waves[0].patterns[1]: baseliner cannot go to audit in eu-west-1: the baseliner lives in the management account, in the Control Tower home Region (target accounts: [111111111111], regions: [us-east-1] only)',
    ]);
  });

  it('rejects a Region that is not governed', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }]', 'organizationalUnits: [Workloads/Dev], regions: [us-east-1, ap-south-1] }]'),
    });
    expect(messages(dir)).toEqual([
      '<dir>/delivery.yaml: waves[1].targets[0].regions[1]: Region "ap-south-1" is not governed (governed Regions are us-east-1, eu-west-1; add it to organization.yaml regions first)',
    ]);
  });

  it('rejects a target OU that does not exist', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev]', 'organizationalUnits: [Workloads/Dve]') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[1].targets[0].organizationalUnits[0]: OU "Workloads/Dve" does not exist (did you mean "Workloads/Dev"?)']);
  });

  it('accepts a baseline.yaml OU key given by id, as the README says, and refuses an id organization.yaml does not know', () => {
    const byId = configFixture({ 'baseline.yaml': replaceOnce('  Workloads/Prod:', '  ou-a1b2-55555555:') });
    expect(messages(byId)).toEqual([]);
    const unknown = configFixture({ 'baseline.yaml': replaceOnce('  Workloads/Prod:', '  ou-a1b2-99999999:') });
    expect(messages(unknown)).toEqual([
      '<dir>/baseline.yaml: organizationalUnits.ou-a1b2-99999999: OU id "ou-a1b2-99999999" is not in organizationalUnitIds (known ids: r-a1b2, ou-a1b2-11111111, ou-a1b2-22222222, ou-a1b2-33333333, ou-a1b2-44444444, ou-a1b2-55555555, ou-a1b2-66666666 (npm run accounts:sync writes them), or use the OU path)',
    ]);
  });

  it('rejects an unknown account name with a suggestion', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('accounts: [prod]', 'accounts: [prd]') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[2].targets[0].accounts[0]: unknown account "prd" (did you mean "prod"?)']);
  });

  it('rejects a bad pattern parameter against the pattern schema', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('parameters: { publishEveryMinutes: 5 }', 'parameters: { publishEveryMinutes: 0, batchSize: 50 }') });
    expect(messages(dir)).toEqual([
      '<dir>/delivery.yaml: waves[2].patterns[0].parameters.publishEveryMinutes: 0: Too small: expected number to be >=1',
      '<dir>/delivery.yaml: waves[2].patterns[0].parameters.batchSize: 50: Too big: expected number to be <=10',
    ]);
  });

  it('rejects an unknown pattern parameter with a suggestion', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('parameters: { publishEveryMinutes: 5 }', 'parameters: { publishEveryMinute: 5 }') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[2].patterns[0].parameters.publishEveryMinute: unknown key "publishEveryMinute" (did you mean "publishEveryMinutes"?)']);
  });

  it('rejects a log retention below what Control Tower requires', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('parameters: { publishEveryMinutes: 5 }', 'parameters: { logRetentionDays: 30 }') });
    expect(messages(dir)).toEqual([
      '<dir>/delivery.yaml: waves[2].patterns[0].parameters.logRetentionDays: 30: one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days (CloudWatch Logs values of at least a year, as Control Tower CT.CLOUDWATCH.PR.2 requires)',
    ]);
  });

  it('rejects a pattern Region outside its wave targets', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('      - id: sns-fifo-jobs\n', '      - id: sns-fifo-jobs\n        regions: [us-east-1, us-west-2]\n') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[2].patterns[0].regions[1]: Region "us-west-2" is not governed (governed Regions are us-east-1, eu-west-1)']);
  });

  it('rejects deploying the same pattern to the same account and Region from two waves', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('accounts: [prod]', 'accounts: [prod, dev]') });
    expect(messages(dir)).toEqual([
      '<dir>/delivery.yaml: waves[2].patterns[0]: sns-fifo-jobs is already deployed to dev in us-east-1 by waves[1].patterns[0] (deploy each pattern to an account and Region from one wave only)',
      '<dir>/delivery.yaml: waves[2].patterns[0]: sns-fifo-jobs is already deployed to dev in eu-west-1 by waves[1].patterns[0] (deploy each pattern to an account and Region from one wave only)',
    ]);
  });

  it('rejects duplicate wave names', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('name: prod', 'name: dev') });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[2].name: duplicate wave name "dev" (also waves[1]) (give each wave its own name)']);
  });

  it('rejects a wave with no targets', () => {
    const dir = configFixture({
      'delivery.yaml': `waves:
  - name: dev
    targets: [{ organizationalUnits: [Workloads/Dev], regions: [us-east-1] }]
    patterns: [sns-fifo-jobs]
  - name: dev
    targets: []
    patterns: [sns-fifo-jobs]
`,
    });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[1].targets: list at least one target']);
  });

  it('rejects OU ids that are malformed, given to an OU not listed, or given twice', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('  Security: ou-a1b2-11111111\n', '  Security: ou-12\n') });
    expect(messages(dir)).toEqual(['<dir>/organization.yaml: organizationalUnitIds.Security: "ou-12": an OU id looks like ou-ab12-34cd5678 (the root: r-ab12)']);
    const unlisted = configFixture({ 'organization.yaml': replaceOnce('  Sandbox: ou-a1b2-66666666\n', '  Sandbox: ou-a1b2-66666666\n  Sandbx: ou-a1b2-77777777\n') });
    expect(messages(unlisted)).toEqual(['<dir>/organization.yaml: organizationalUnitIds.Sandbx: OU "Sandbx" is not listed (did you mean "Sandbox"? Or add it to organizationalUnits)']);
    const twice = configFixture({
      'organization.yaml': (s) => replaceOnce('  Root: r-a1b2\n', '  Root: ou-a1b2-77777777\n')(replaceOnce('  Sandbox: ou-a1b2-66666666\n', '  Sandbox: ou-a1b2-55555555\n')(s)),
    });
    expect(messages(twice)).toEqual([
      '<dir>/organization.yaml: organizationalUnitIds.Root: "ou-a1b2-77777777" is an OU id, but Root is the root (give Root its r-… id)',
      '<dir>/organization.yaml: organizationalUnitIds.Sandbox: OU id "ou-a1b2-55555555" is also given to "Workloads/Prod" (each OU has its own id; run npm run accounts:sync to fill them in)',
    ]);
  });

  it('rejects a delegated administrator that is the management account or not an account of the organization', () => {
    const self = configFixture({ 'organization.yaml': (s) => `${s}stackSets: { delegatedAdministrator: "111111111111" }\n` });
    expect(messages(self)).toEqual([
      '<dir>/organization.yaml: stackSets.delegatedAdministrator: the management account is not a delegated administrator (remove the key to administer StackSets from the management account (CallAs SELF), or name the member account you registered)',
    ]);
    const unknown = configFixture({ 'organization.yaml': (s) => `${s}stackSets: { delegatedAdministrator: "999999999999" }\n` });
    expect(messages(unknown)).toEqual(['<dir>/organization.yaml: stackSets.delegatedAdministrator: account 999999999999 is not in accounts (list it under accounts, or run npm run accounts:sync)']);
  });

  it('rejects StackSet preferences that are out of range, unknown, or order Regions the wave does not have', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce(
        'stackSets: { maxConcurrentPercentage: 50, failureTolerancePercentage: 10 }',
        'stackSets: { maxConcurrentPercentage: 150, regionOrder: [eu-west-1, ap-south-1], retainStacks: true }',
      ),
    });
    expect(messages(dir)).toEqual([
      expect.stringMatching(/^<dir>\/delivery.yaml: waves\[1\].stackSets.maxConcurrentPercentage: .*100/),
      '<dir>/delivery.yaml: waves[1].stackSets.retainStacks: unknown key "retainStacks" (did you mean "retainStacksOnAccountRemoval"?)',
    ]);
    const order = configFixture({ 'delivery.yaml': replaceOnce('stackSets: { maxConcurrentPercentage: 50, failureTolerancePercentage: 10 }', 'stackSets: { regionOrder: [eu-west-1, us-west-2] }') });
    expect(messages(order)).toEqual([
      '<dir>/delivery.yaml: waves[1].stackSets.regionOrder[1]: Region "us-west-2" is not in any target of wave "dev" (order the wave\'s Regions only: us-east-1, eu-west-1)',
    ]);
  });

  it('rejects an unknown delivery mode with a suggestion', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce('targets: [{ accounts: [prod], regions: [us-east-1, eu-west-1] }]', 'targets: [{ accounts: [prod], regions: [us-east-1, eu-west-1], delivery: stacksets }]'),
    });
    expect(messages(dir)).toEqual(['<dir>/delivery.yaml: waves[2].targets[0].delivery: "stacksets" is not allowed (did you mean "stackset"?)']);
  });
});

describe('baseline.yaml and update files', () => {
  const product = (extra: string) => `    - product: account-baseline
      portfolio: platform-baseline
      provisionName: account-baseline
      regions: [us-east-1]
${extra}`;

  it('rejects an unknown product field, a missing dependency and an ungoverned Region', () => {
    const dir = configFixture({
      'baseline.yaml': `organizationalUnits:
  default:
${product('      dependsOn: [cdk-bootstrp]\n      prodcut_version: v2\n')}`,
    });
    expect(messages(dir)).toEqual([
      '<dir>/baseline.yaml: organizationalUnits.default[0].prodcut_version: unknown key "prodcut_version" (known keys: "product", "version", "portfolio", "provisionName", "dependsOn", "regions", "parameters", "terminateOnLeave")',
    ]);
    const dir2 = configFixture({
      'baseline.yaml': `organizationalUnits:
  default:
${product('      dependsOn: [cdk-bootstrp]\n').replace('regions: [us-east-1]', 'regions: [us-east-1, ap-east-1]')}    - product: cdk-bootstrap
      portfolio: platform-baseline
      provisionName: cdk-bootstrap
      regions: [us-east-1]
`,
    });
    expect(messages(dir2)).toEqual([
      '<dir>/baseline.yaml: organizationalUnits.default[0].dependsOn[0]: depends on "cdk-bootstrp", which is not provisioned here (did you mean "cdk-bootstrap"?)',
      '<dir>/baseline.yaml: organizationalUnits.default[0].regions[1]: Region "ap-east-1" is not governed (governed Regions are us-east-1, eu-west-1)',
    ]);
  });

  it('rejects a dependency cycle across default and an OU', () => {
    const dir = configFixture({
      'baseline.yaml': `organizationalUnits:
  default:
    - { product: a, portfolio: p, provisionName: a, dependsOn: [c], regions: [us-east-1] }
  Workloads/Prod:
    - { product: b, portfolio: p, provisionName: b, dependsOn: [a], regions: [us-east-1] }
    - { product: c, portfolio: p, provisionName: c, dependsOn: [b], regions: [us-east-1] }
`,
    });
    expect(messages(dir)).toEqual([
      '<dir>/baseline.yaml: organizationalUnits.default[0].dependsOn[0]: depends on "c", which is not provisioned here (did you mean "a"?)',
      '<dir>/baseline.yaml: organizationalUnits.Workloads/Prod: dependency cycle: a → c → b → a (remove one dependsOn entry of the cycle)',
    ]);
  });

  it('refuses update files the baseliner would never run: .yml, and names S3 would encode', () => {
    const update = 'products:\n  - { product: account-baseline, portfolio: platform-baseline, provisionName: account-baseline, regions: [us-east-1], accounts: ["444444444444"] }\n';
    const dir = configFixture({ 'updates/2026-11-rollout.yml': update, 'updates/2026 11 100%.yaml': update, 'updates/ok.yaml': update });
    expect(messages(dir)).toEqual([
      '<dir>/updates/2026 11 100%.yaml: "2026 11 100%.yaml" has characters that S3 encodes in keys and events (spaces, %, +, and others) (rename it with letters, digits, ".", "_" and "-" only, for example 2026-11-100.yaml)',
      '<dir>/updates/2026-11-rollout.yml: update files end in .yaml: the baseliner runs updates/*.yaml only, so this one would be uploaded and never run (rename it to 2026-11-rollout.yaml)',
    ]);
    expect(loadConfigOrThrow(configFixture({ 'updates/ok.yaml': update })).updates.map((u) => path.basename(u.file))).toEqual(['ok.yaml']);
  });

  it('reports an updates entry that is a file, not a folder, without a stack trace', () => {
    const dir = configFixture();
    fs.rmdirSync(path.join(dir, 'updates'));
    fs.writeFileSync(path.join(dir, 'updates'), 'products: []\n');
    expect(messages(dir)).toEqual(['<dir>/updates: is a file; update files go in a folder of this name (make updates a folder of <name>.yaml files (or remove it: no rollout is pending))']);
  });

  it('rejects a bad account id and an unknown OU in an update file', () => {
    const dir = configFixture({
      'updates/2026-11-rollout.yaml': `products:
  - product: account-baseline
    version: v3
    portfolio: platform-baseline
    provisionName: account-baseline
    regions: [us-east-1]
    accounts: ["44444444444"]
`,
    });
    expect(messages(dir)).toEqual([
      '<dir>/updates/2026-11-rollout.yaml: products[0].accounts[0]: account id "44444444444" has 11 digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")',
    ]);
    const dir2 = configFixture({
      'updates/2026-11-rollout.yaml': `products:
  - { product: account-baseline, portfolio: platform-baseline, provisionName: account-baseline, regions: [us-east-1], organizationalUnits: [Workloads/Prd] }
`,
    });
    expect(messages(dir2)).toEqual(['<dir>/updates/2026-11-rollout.yaml: products[0].organizationalUnits[0]: OU "Workloads/Prd" does not exist (did you mean "Workloads/Prod"?)']);
  });
});

describe('files and folders the loader cannot use', () => {
  /**
   * The loader in a process that may not read what it is given. Root reads everything, so as root
   * the child runs as nobody; the fixture's other files stay world-readable.
   */
  function loadAsUnprivileged(dir: string): string[] {
    fs.chmodSync(dir, 0o755);
    const script = `const { loadConfig } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'accounts', 'loader'))});
      const { formatIssue } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'accounts', 'issues'))});
      process.stdout.write(JSON.stringify(loadConfig(process.argv[1]).issues.map(formatIssue)));`;
    const root = process.getuid?.() === 0;
    const result = spawnSync(path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), ['-e', script, dir], {
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
      env: { ...process.env, HOME: '/tmp' },
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return (JSON.parse(result.stdout) as string[]).map((m) => m.split(dir + path.sep).join('<dir>/'));
  }

  it('says an unreadable file cannot be read, instead of "file not found"', () => {
    const dir = configFixture();
    fs.chmodSync(path.join(dir, 'delivery.yaml'), 0o000);
    expect(loadAsUnprivileged(dir)).toEqual(['<dir>/delivery.yaml: the file cannot be read (EACCES) (give the user running this read permission: chmod u+r <dir>/delivery.yaml)']);
  });

  it('says an unreadable updates folder cannot be read', () => {
    const dir = configFixture({ 'updates/2026-12-01-a.yaml': 'products: []\n' });
    fs.chmodSync(path.join(dir, 'updates'), 0o000);
    const issues = loadAsUnprivileged(dir);
    fs.chmodSync(path.join(dir, 'updates'), 0o755); // so the fixture can be removed without root
    expect(issues).toEqual(['<dir>/updates: the folder cannot be read (EACCES) (give the user running this read and search (x) permission: chmod u+rx <dir>/updates)']);
  });

  it('says a config file that is a folder is a folder', () => {
    const dir = configFixture({ 'baseline.yaml': null });
    fs.mkdirSync(path.join(dir, 'baseline.yaml'));
    expect(messages(dir)).toEqual(['<dir>/baseline.yaml: is a folder, not a YAML file (replace it with the file baseline.yaml)']);
  });
});

describe('errors come all at once, not in rounds', () => {
  it('reports a broken baseline.yaml together with the cross-file errors of organization.yaml and delivery.yaml', () => {
    const dir = configFixture({
      'baseline.yaml': replaceOnce('maxWaitMinutes: 60', 'maxWaitMinutes: soon'),
      'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev]', 'organizationalUnits: [Workloads/Dve]'),
    });
    const all = messages(dir);
    expect(all).toEqual([
      expect.stringMatching(/^<dir>\/baseline\.yaml: maxWaitMinutes: /),
      '<dir>/delivery.yaml: waves[1].targets[0].organizationalUnits[0]: OU "Workloads/Dve" does not exist (did you mean "Workloads/Dev"?)',
    ]);
    expect(loadConfig(dir).config).toBeUndefined();
  });
});
