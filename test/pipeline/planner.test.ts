import { loadConfig, loadConfigOrThrow } from '../../accounts/loader';
import { expandTargets, shapePlan, type DeploymentShape, type DraftPlan, type PlannedStackSet, type PlannedStage } from '../../pipeline/planner';
import { REGISTRY } from '../../pipeline/registry';
import type { Registry } from '../../stages/types';
import { allowedRegions, generatedOrganization, workloadPatterns } from '../../bench/organizations';
import { configFixture, replaceOnce, SAMPLE_DEV_PATTERNS } from '../support/config-fixture';
import { draftOf, planOf, planResult } from '../support/plan';

const stackSets = (w: { deployments: readonly (PlannedStage | PlannedStackSet)[] }) => w.deployments.filter((d): d is PlannedStackSet => d.kind === 'stackset');
const stages = (w: { deployments: readonly (PlannedStage | PlannedStackSet)[] }) => w.deployments.filter((d): d is PlannedStage => d.kind === 'stage');
const problems = (dir: string) => draftOf(dir).issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`);

describe('the sample organization: both delivery modes', () => {
  const plan = planOf(configFixture());

  it('delivers the OU wave as one StackSet per pattern and the account lists as CDK Stages', () => {
    expect(plan.waves.map((w) => [w.name, w.approval, stages(w).map((s) => s.id), stackSets(w).map((s) => s.id)])).toEqual([
      ['platform', false, ['catalog-management-us-east-1', 'baseliner-management-us-east-1'], []],
      ['dev', false, [], SAMPLE_DEV_PATTERNS.map((p) => `stackset-dev-${p}`)],
      ['prod', true, ['sns-fifo-jobs-prod-us-east-1', 'sns-fifo-jobs-prod-eu-west-1'], []],
    ]);
  });

  it('targets the OU by id with auto-deployment on, in the pattern’s Regions, with the wave’s operation preferences', () => {
    const [jobs, , , aggregator] = stackSets(plan.waves[1]);
    expect(jobs).toMatchObject({
      stackSetName: 'platform-delivery-dev-sns-fifo-jobs',
      stackName: 'platform-delivery-dev-sns-fifo-jobs-stackset',
      adminAccountId: '111111111111',
      region: 'us-east-1',
      callAs: 'SELF',
      assetAccountId: '111111111111',
      autoDeployment: true,
      groups: [{ organizationalUnits: ['Workloads/Dev'], organizationalUnitIds: ['ou-a1b2-44444444'], accounts: [], accountFilter: 'NONE', regions: ['us-east-1', 'eu-west-1'] }],
      regions: ['us-east-1', 'eu-west-1'],
      preferences: { maxConcurrentPercentage: 50, failureTolerancePercentage: 10, regionConcurrency: 'PARALLEL', concurrencyMode: 'SOFT_FAILURE_TOLERANCE', retainStacksOnAccountRemoval: false },
    });
    expect(jobs.instances.map((i) => `${i.accountName}/${i.region}`)).toEqual(['dev/us-east-1', 'dev/eu-west-1', 'test/us-east-1', 'test/eu-west-1']);
    // Narrowed to us-east-1 by the pattern's own regions.
    expect(aggregator.groups[0].regions).toEqual(['us-east-1']);
    expect(aggregator.instances.map((i) => i.accountName)).toEqual(['dev', 'test']);
  });

  it('applies the pattern schema defaults to the parameters', () => {
    expect(stackSets(plan.waves[1])[0].parameters).toEqual({ publishEveryMinutes: 1, publisherEnabled: true, maxReceiveCount: 3, batchSize: 10, logRetentionDays: 365 });
    expect(stages(plan.waves[2])[0].parameters).toMatchObject({ publishEveryMinutes: 5 });
  });

  it('takes the pipeline shape from what the stages synthesize: one action per stack, two for the approval (its change summary, then the approval)', () => {
    expect(plan.pipeline.filter((s) => s.name !== 'Assets')).toEqual([
      { name: 'Source', actions: 1 },
      { name: 'Build', actions: 1 },
      { name: 'UpdatePipeline', actions: 1 },
      { name: 'platform', actions: 3 }, // catalog: home Region and eu-west-1 asset bucket; baseliner
      { name: 'dev', actions: 14 }, // fourteen StackSet stacks
      { name: 'prod', actions: 4 }, // the change summary and the approval, two stacks
    ]);
    expect(plan.shapes.get('catalog-management-us-east-1')!.stacks).toBe(2);
    expect(plan.shapes.get('stackset-dev-data-lake')!.templates.map((t) => t.via)).toEqual(['action', 's3']);
  });
});

describe('delivery modes', () => {
  const dev = (target: string) => configFixture({ 'delivery.yaml': replaceOnce('targets: [{ organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }]', `targets: [${target}]`) });

  it('delivers an OU target as CDK Stages when it says delivery: stages', () => {
    const plan = planOf(dev('{ organizationalUnits: [Workloads/Dev], regions: [us-east-1], delivery: stages }'));
    expect(stackSets(plan.waves[1])).toEqual([]);
    expect(
      stages(plan.waves[1])
        .map((s) => s.id)
        .slice(0, 2),
    ).toEqual(['sns-fifo-jobs-dev-us-east-1', 'sns-fifo-jobs-test-us-east-1']);
  });

  it('delivers an account list as a StackSet when it says so: through the accounts’ OU and an INTERSECTION filter, no auto-deployment', () => {
    const { draft } = draftOf(dev('{ accounts: [dev], regions: [us-east-1], delivery: stackset }'));
    const [jobs] = stackSets(draft!.waves[1]);
    expect(jobs).toMatchObject({
      autoDeployment: false,
      groups: [{ organizationalUnits: ['Workloads/Dev'], organizationalUnitIds: ['ou-a1b2-44444444'], accounts: ['444444444444'], accountFilter: 'INTERSECTION' }],
    });
    expect(jobs.instances.map((i) => i.accountName)).toEqual(['dev']);
  });

  it('adds named accounts to an OU target (UNION), one instance group per target', () => {
    const { draft } = draftOf(dev('{ organizationalUnits: [Workloads/Dev], accounts: [audit], regions: [us-east-1] }, { organizationalUnits: [Sandbox], regions: [eu-west-1] }'));
    const [jobs] = stackSets(draft!.waves[1]);
    expect(jobs.groups).toEqual([
      { organizationalUnits: ['Workloads/Dev'], organizationalUnitIds: ['ou-a1b2-44444444'], accounts: ['333333333333'], accountFilter: 'UNION', regions: ['us-east-1'] },
      { organizationalUnits: ['Sandbox'], organizationalUnitIds: ['ou-a1b2-66666666'], accounts: [], accountFilter: 'NONE', regions: ['eu-west-1'] },
    ]);
    expect(jobs.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('never makes the management account a StackSet instance (service-managed StackSets do not deploy there)', () => {
    const dir = configFixture({
      'delivery.yaml': (s) =>
        s
          .slice(0, s.indexOf('  - name: prod'))
          .replace('targets: [{ organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }]', 'targets: [{ organizationalUnits: [Root], regions: [us-east-1] }]'),
    });
    const [jobs] = stackSets(draftOf(dir).draft!.waves[1]);
    expect(jobs.groups[0].organizationalUnitIds).toEqual(['r-a1b2']);
    expect(jobs.instances.map((i) => i.accountName)).toEqual(['log-archive', 'audit', 'dev', 'test', 'prod']);
  });

  it('administers StackSets from the delegated administrator when organization.yaml names one', () => {
    const dir = configFixture({ 'organization.yaml': (s) => `${s}stackSets: { delegatedAdministrator: "333333333333" }\n` });
    const [jobs] = stackSets(draftOf(dir).draft!.waves[1]);
    expect(jobs).toMatchObject({ adminAccountId: '333333333333', callAs: 'DELEGATED_ADMIN', assetAccountId: '111111111111', region: 'us-east-1' });
  });

  it('names the pipeline’s StackSets and stacks after pipeline.name, so a second pipeline can live beside the first', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('  branch: main\n', '  branch: main\n  name: data-platform\n') });
    const { draft } = draftOf(dir);
    expect(draft!.pipelineName).toBe('data-platform');
    expect(stackSets(draft!.waves[1])[0].stackSetName).toBe('data-platform-dev-sns-fifo-jobs');
    expect(stages(draft!.waves[2])[0].stackName).toBe('data-platform-sns-fifo-jobs');
    expect(stages(draftOf(configFixture()).draft!.waves[2])[0].stackName).toBe('pattern-sns-fifo-jobs');
  });

  it('refuses a StackSet target whose OU has no id, saying how to get it', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('  Workloads/Dev: ou-a1b2-44444444\n', '') });
    const { issues } = loadConfig(dir);
    expect(issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`)).toEqual([
      'waves[1].targets[0]: delivered as a StackSet, which targets OUs by id, but "Workloads/Dev" has no id (run npm run accounts:sync (it writes organizationalUnitIds), or add organizationalUnitIds: { Workloads/Dev: ou-… } to organization.yaml)',
    ]);
  });

  it('refuses a platform part as a StackSet', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce('targets: [{ accounts: [management], regions: [us-east-1] }]', 'targets: [{ accounts: [management], regions: [us-east-1], delivery: stackset }]'),
    });
    expect(problems(dir).slice(0, 2)).toEqual([
      'waves[0].targets[0].delivery: catalog is a platform part of the management account and is deployed as CDK Stages only (give this wave a target with accounts: [management] (delivery: stages))',
      'waves[0].targets[0].delivery: baseliner is a platform part of the management account and is deployed as CDK Stages only (give this wave a target with accounts: [management] (delivery: stages))',
    ]);
  });

  it('refuses StackSets before the catalog, which creates the buckets their code is read from', () => {
    const dir = configFixture({ 'delivery.yaml': (s) => s.replace('      - catalog\n', '') });
    expect(problems(dir)).toEqual([
      'waves[1]: wave "dev" delivers StackSets, whose code is read from the regional asset buckets that catalog creates, but no wave deploys it (deploy catalog to the management account and home Region in a wave before "dev" (see the sample\'s platform wave))',
    ]);
  });
});

describe('targets', () => {
  it('includes accounts of nested OUs, each (account, Region) once even when targets overlap', () => {
    const dir = configFixture({
      'delivery.yaml': `waves:
  - name: all
    targets:
      - { organizationalUnits: [Workloads], regions: [us-east-1], delivery: stages }
      - { accounts: [dev, "666666666666"], regions: [us-east-1, eu-west-1] }
    patterns: [sns-fifo-jobs]
`,
    });
    const config = loadConfigOrThrow(dir);
    expect(expandTargets(config, 0).map((t) => `${t.account.name}/${t.region}`)).toEqual(['dev/us-east-1', 'test/us-east-1', 'prod/us-east-1', 'dev/eu-west-1', 'prod/eu-west-1']);
    expect(stages(draftOf(dir).draft!.waves[0]).map((s) => s.id)).toEqual([
      'sns-fifo-jobs-dev-us-east-1',
      'sns-fifo-jobs-test-us-east-1',
      'sns-fifo-jobs-prod-us-east-1',
      'sns-fifo-jobs-dev-eu-west-1',
      'sns-fifo-jobs-prod-eu-west-1',
    ]);
  });

  it('narrows Regions per pattern', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('      - id: sns-fifo-jobs\n', '      - id: sns-fifo-jobs\n        regions: [eu-west-1]\n') });
    expect(stages(draftOf(dir).draft!.waves[2]).map((s) => s.id)).toEqual(['sns-fifo-jobs-prod-eu-west-1']);
  });

  it('refuses a wave of CDK Stages whose targets hold no accounts', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }', 'organizationalUnits: [Sandbox], regions: [us-east-1, eu-west-1], delivery: stages }'),
    });
    expect(problems(dir)).toEqual(['waves[1]: wave "dev" deploys nothing: its targets hold no accounts (add accounts to its OUs, or remove the wave)']);
  });

  it('accepts StackSets on an OU with no accounts yet: auto-deployment reaches the accounts it gets later', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev]', 'organizationalUnits: [Sandbox]') });
    const [jobs] = stackSets(draftOf(dir).draft!.waves[1]);
    expect(jobs).toMatchObject({ autoDeployment: true, instances: [], groups: [{ organizationalUnitIds: ['ou-a1b2-66666666'] }] });
  });
});

describe('planned patterns', () => {
  // Every pattern of the design is available now; the mechanism stays for the next one reserved.
  const reserving: Registry = { patterns: REGISTRY.patterns, planned: new Map([['edge-cache', { id: 'edge-cache', description: 'CloudFront edge cache' }]]) };

  it('refuses a pattern that is not available yet, naming the ones that are', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('      - sns-fifo-jobs\n', '      - sns-fifo-jobs\n      - edge-cache\n') });
    const [issue, ...rest] = draftOf(dir, reserving).issues;
    expect(rest).toEqual([]);
    expect(`${issue.path}: ${issue.problem} (${issue.fix})`).toBe(
      `waves[1].patterns[1]: pattern "edge-cache" (CloudFront edge cache) is not available yet (remove it for now; available patterns: ${[...REGISTRY.patterns.keys()].join(', ')})`,
    );
    // Misspelt, it is suggested like any other id.
    const typo = configFixture({ 'delivery.yaml': replaceOnce('      - sns-fifo-jobs\n', '      - sns-fifo-jobs\n      - edge-cashe\n') });
    expect(draftOf(typo, reserving).issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`)).toEqual(['waves[1].patterns[1]: unknown pattern "edge-cashe" (did you mean "edge-cache"?)']);
  });
});

describe('region rules', () => {
  const base = REGISTRY.patterns.get('sns-fifo-jobs')!;
  const restricted: Registry = {
    planned: REGISTRY.planned,
    patterns: new Map([
      ...REGISTRY.patterns,
      [
        'sns-fifo-jobs',
        { ...base, targetRule: (_p, { region }) => (region === 'us-east-1' ? undefined : { problem: 'CLOUDFRONT scope lives in us-east-1', fix: 'narrow it with regions: [us-east-1]' }) },
      ],
    ]),
  };

  it('refuses a Region the pattern rules out, with its fix, in both modes', () => {
    expect(draftOf(configFixture(), restricted).issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`)).toEqual([
      'waves[1].patterns[0]: sns-fifo-jobs cannot go to dev in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
      'waves[1].patterns[0]: sns-fifo-jobs cannot go to test in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
      'waves[2].patterns[0]: sns-fifo-jobs cannot go to prod in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
    ]);
  });
});

/** A generated organization in a config fixture (the bench's generator). */
function generated(options: Parameters<typeof generatedOrganization>[0], extra = '') {
  const { organization, delivery } = generatedOrganization(options);
  return configFixture({ 'organization.yaml': organization + extra, 'delivery.yaml': delivery, 'baseline.yaml': null });
}
const FOUR_REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

describe('organization scale', () => {
  it('plans 1,000 accounts in 4 Regions, 3 OU waves, every workload pattern, in a pipeline of at most 100 actions', () => {
    const plan = planOf(generated({ accounts: 1000, regions: FOUR_REGIONS, patterns: workloadPatterns(), mode: 'stackset' }));
    expect(plan.waves.map((w) => [w.name, stackSets(w).length, stages(w).length])).toEqual([
      ['platform', 0, 1],
      ['dev', workloadPatterns().length, 0],
      ['staging', workloadPatterns().length, 0],
      ['prod', workloadPatterns().length, 0],
    ]);
    const instances = plan.waves.flatMap((w) => stackSets(w)).reduce((n, s) => n + s.instances.length, 0);
    // Every pattern in each of its Regions (fake-bot-blocker's CLOUDFRONT web ACL: us-east-1 only).
    expect(instances).toBe(1000 * workloadPatterns().reduce((n, p) => n + allowedRegions(p, FOUR_REGIONS).length, 0));
    expect(instances).toBe(1000 * (4 * workloadPatterns().length - 3));
    const actions = plan.pipeline.reduce((n, s) => n + s.actions, 0);
    expect(actions).toBeLessThanOrEqual(100);
    // The same pattern with the same parameters in three waves publishes one template and one copy of its code.
    const templates = new Set(plan.waves.flatMap((w) => stackSets(w)).flatMap((s) => plan.shapes.get(s.id)!.assets.map((a) => a.id)));
    expect(plan.assets).toBeLessThan(templates.size + 10);
  });

  it('keeps the pipeline the same size whatever the number of accounts in StackSet mode', () => {
    const shape = (accounts: number) => planOf(generated({ accounts, regions: FOUR_REGIONS, patterns: ['sns-fifo-jobs', 'stream-ingestion'], mode: 'stackset' })).pipeline;
    expect(shape(10)).toEqual(shape(1000));
  });

  it('splits a wave of CDK Stages larger than one pipeline stage into consecutive pipeline stages, the approval in the first', () => {
    const plan = planOf(generated({ accounts: 180, regions: ['us-east-1'], patterns: ['sns-fifo-jobs'], mode: 'stages' }));
    const prod = plan.waves.find((w) => w.name === 'prod')!;
    expect(prod.parts.map((p) => [p.name, p.actions, p.approval, p.deployments.length])).toEqual([
      // The first part holds the change summary and the approval (2 actions) and 48 stacks.
      ['prod', 50, true, 48],
      ['prod-2', 12, false, 12],
    ]);
    expect(Math.max(...plan.pipeline.map((s) => s.actions))).toBeLessThanOrEqual(50);
  });

  it('refuses a stages-mode pipeline over 500 actions with one fix that works: the largest waves to StackSets', () => {
    const { issues } = planResult(generated({ accounts: 600, regions: ['us-east-1'], patterns: ['sns-fifo-jobs'], mode: 'stages' }));
    expect(issues.map((i) => `${i.path}: ${i.problem}`)).toEqual([
      // At about 1,250 bytes an action, 600 actions still fit the 1 MB template limit: only the action quota is broken.
      expect.stringMatching(/^waves: the pipeline would need 6\d\d actions \(CodePipeline allows 500\)$/),
    ]);
    expect(issues[0].fix).toBe('move wave "prod" to StackSets: give its targets organizationalUnits (or delivery: stackset), and their actions stop growing with the number of accounts');
    // The largest wave (prod: its approval is an action too). Taking the fix all the way, the organization by OU fits.
    expect(planResult(generated({ accounts: 600, regions: ['us-east-1'], patterns: ['sns-fifo-jobs'], mode: 'stackset' })).issues).toEqual([]);
  });

  it('checks the quotas organization.yaml sets instead of the defaults', () => {
    const options = { accounts: 180, regions: ['us-east-1'], patterns: ['sns-fifo-jobs'], mode: 'stages' as const };
    const plan = planOf(generated(options));
    const stagesUsed = plan.pipeline.length;
    const { issues } = planResult(generated(options, `quotas: { stagesPerPipeline: ${stagesUsed - 1} }\n`));
    expect(issues.map((i) => i.problem)).toEqual([`the pipeline would need ${stagesUsed} stages (CodePipeline allows ${stagesUsed - 1})`]);
    expect(issues[0].fix).toMatch(/^move wave "(dev|staging|prod)" to StackSets/);
  });

  it('refuses more than 50 pipeline stages, saying which wave to move', () => {
    const { issues } = planResult(
      generated({ accounts: 3000, regions: ['us-east-1'], patterns: ['sns-fifo-jobs'], mode: 'stages' }, 'quotas: { actionsPerPipeline: 10000, templateBytes: 10000000 }\n'),
    );
    expect(issues.map((i) => i.problem)).toEqual([expect.stringMatching(/^the pipeline would need (5[1-9]|[6-9]\d) stages \(CodePipeline allows 50\)$/)]);
    expect(issues[0].fix).toBe('move wave "prod" to StackSets: give its targets organizationalUnits (or delivery: stackset), and their actions stop growing with the number of accounts');
  });
});

describe('shapePlan on given shapes', () => {
  const draft = (deployments: number): DraftPlan => ({
    pipelineName: 'platform-delivery',
    file: 'delivery.yaml',
    quotas: { stagesPerPipeline: 50, actionsPerStage: 50, actionsPerPipeline: 500, templateBytes: 1_000_000, actionTemplateBytes: 512_000, resourcesPerStack: 500 },
    waves: [
      {
        name: 'w',
        approval: false,
        deployments: Array.from({ length: deployments }, (_, i) => ({
          kind: 'stage' as const,
          id: `p-a${i}-us-east-1`,
          pattern: 'p',
          wave: 'w',
          accountName: `a${i}`,
          accountId: String(100000000000 + i),
          region: 'us-east-1',
          parameters: {},
          stackName: 'pattern-p',
          platform: false,
        })),
      },
    ],
  });
  const shape = (over: Partial<DeploymentShape> = {}): DeploymentShape => ({ stacks: 1, assets: [], templates: [{ name: 'pattern-p', resources: 10, bytes: 1000, via: 'action' }], ...over });

  it('publishes any number of assets with one action (one per asset type)', () => {
    const assets = Array.from({ length: 120 }, (_, i) => ({ id: `asset-${i}`, destinations: ['100000000000/us-east-1'] }));
    const { plan } = shapePlan(draft(1), new Map([['p-a0-us-east-1', shape({ assets })]]));
    expect(plan!.pipeline.map((s) => `${s.name}:${s.actions}`)).toEqual(['Source:1', 'Build:1', 'UpdatePipeline:1', 'Assets:1', 'p-a0-us-east-1:1']);
  });

  it('refuses a stack over 500 resources, naming the pattern and its stack', () => {
    const { issues } = shapePlan(draft(1), new Map([['p-a0-us-east-1', shape({ templates: [{ name: 'pattern-p', resources: 612, bytes: 90_000, via: 'action' }] })]]));
    expect(issues.map((i) => i.problem)).toEqual(['pattern-p synthesizes a stack of 612 resources, CloudFormation allows 500']);
  });

  it('refuses a stack template over what CodePipeline’s CloudFormation action reads', () => {
    const { issues } = shapePlan(draft(1), new Map([['p-a0-us-east-1', shape({ templates: [{ name: 'pattern-p', resources: 100, bytes: 600_000, via: 'action' }] })]]));
    expect(issues.map((i) => i.problem)).toEqual(["pattern-p synthesizes a template of 600000 bytes, CodePipeline's CloudFormation action allows 512000"]);
  });

  it('refuses a deployment larger than a pipeline stage', () => {
    const { issues } = shapePlan(draft(1), new Map([['p-a0-us-east-1', shape({ stacks: 51 })]]));
    expect(issues.map((i) => `${i.problem} (${i.fix})`)).toEqual(['p-a0-us-east-1 deploys 51 stacks, 51 actions, more than one pipeline stage holds (50) (split pattern p into fewer stacks)']);
  });
});
