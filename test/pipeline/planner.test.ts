import { loadConfigOrThrow } from '../../accounts/loader';
import { expandTargets, pipelineShape, planRollout, type PlannedWave } from '../../pipeline/planner';
import { QUOTAS } from '../../pipeline/quotas';
import { REGISTRY } from '../../stages';
import type { Registry } from '../../stages/types';
import { configFixture, replaceOnce } from '../support/config-fixture';

function planOf(dir: string, registry: Registry = REGISTRY) {
  const result = planRollout(loadConfigOrThrow(dir), registry);
  if (!result.plan) throw new Error(result.issues.map((i) => i.problem).join('\n'));
  return result.plan;
}

describe('planRollout on the sample organization', () => {
  const plan = planOf(configFixture());

  it('expands OU targets into one stage per (pattern, account, Region), waves in order', () => {
    expect(plan.waves.map((w) => [w.name, w.approval, w.stages.map((s) => s.id)])).toEqual([
      ['platform', false, ['catalog-management-us-east-1', 'baseliner-management-us-east-1']],
      [
        'dev',
        false,
        [
          ...['sns-fifo-jobs', 'stream-ingestion', 'mq-consumer'].flatMap((p) => [`${p}-dev-us-east-1`, `${p}-dev-eu-west-1`, `${p}-test-us-east-1`, `${p}-test-eu-west-1`]),
          // Narrowed to us-east-1 by the pattern's own regions.
          ...['content-aggregator', 'spice-refresh', 'data-lake'].flatMap((p) => [`${p}-dev-us-east-1`, `${p}-test-us-east-1`]),
        ],
      ],
      ['prod', true, ['sns-fifo-jobs-prod-us-east-1', 'sns-fifo-jobs-prod-eu-west-1']],
    ]);
  });

  it('applies the pattern schema defaults to the parameters', () => {
    expect(plan.waves[1].stages[0].parameters).toEqual({ publishEveryMinutes: 1, publisherEnabled: true, maxReceiveCount: 3, batchSize: 10, logRetentionDays: 365 });
    expect(plan.waves[2].stages[0].parameters).toMatchObject({ publishEveryMinutes: 5 });
  });

  it('computes the CodePipeline shape: 2 actions per stack, one for the approval, assets published once', () => {
    expect(plan.pipeline).toEqual([
      { name: 'Source', actions: 1 },
      { name: 'Build', actions: 1 },
      { name: 'UpdatePipeline', actions: 1 },
      { name: 'Assets', actions: 28 },
      { name: 'platform', actions: 6 },
      { name: 'dev', actions: 36 },
      { name: 'prod', actions: 5 },
    ]);
    expect(plan.quotas.map((q) => [q.quota, q.used, q.limit])).toEqual([
      ['stages per pipeline', 7, 50],
      ['actions per stage', 36, 50],
      ['actions per pipeline', 78, 500],
      ['pipeline template bytes (estimated)', 40_000 + 78 * 1_900, 1_000_000],
    ]);
  });
});

describe('targets', () => {
  it('includes accounts of nested OUs, each (account, Region) once even when targets overlap', () => {
    const dir = configFixture({
      'delivery.yaml': `waves:
  - name: all
    targets:
      - { organizationalUnits: [Workloads], regions: [us-east-1] }
      - { accounts: [dev, "666666666666"], regions: [us-east-1, eu-west-1] }
    patterns: [sns-fifo-jobs]
`,
    });
    const config = loadConfigOrThrow(dir);
    expect(expandTargets(config, 0).map((t) => `${t.account.name}/${t.region}`)).toEqual([
      'dev/us-east-1',
      'test/us-east-1',
      'prod/us-east-1',
      'dev/eu-west-1',
      'prod/eu-west-1',
    ]);
  });

  it('narrows Regions per pattern', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('      - id: sns-fifo-jobs\n', '      - id: sns-fifo-jobs\n        regions: [eu-west-1]\n') });
    expect(planOf(dir).waves[2].stages.map((s) => s.id)).toEqual(['sns-fifo-jobs-prod-eu-west-1']);
  });

  it('refuses a wave whose targets hold no accounts', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('organizationalUnits: [Workloads/Dev]', 'organizationalUnits: [Sandbox]') });
    const { issues } = planRollout(loadConfigOrThrow(dir), REGISTRY);
    expect(issues.map((i) => `${i.path}: ${i.problem}`)).toEqual(['waves[1]: wave "dev" deploys nothing: its targets hold no accounts']);
  });
});

describe('region rules and resources', () => {
  const base = REGISTRY.patterns.get('sns-fifo-jobs')!;
  const restricted: Registry = {
    planned: REGISTRY.planned,
    patterns: new Map([...REGISTRY.patterns, ['sns-fifo-jobs', { ...base, targetRule: (_p, { region }) => (region === 'us-east-1' ? undefined : { problem: 'CLOUDFRONT scope lives in us-east-1', fix: 'narrow it with regions: [us-east-1]' }) }]]),
  };

  it('refuses a Region the pattern rules out, with its fix', () => {
    const { issues } = planRollout(loadConfigOrThrow(configFixture()), restricted);
    expect(issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`)).toEqual([
      'waves[1].patterns[0]: sns-fifo-jobs cannot go to dev in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
      'waves[1].patterns[0]: sns-fifo-jobs cannot go to test in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
      'waves[2].patterns[0]: sns-fifo-jobs cannot go to prod in eu-west-1: CLOUDFRONT scope lives in us-east-1 (narrow it with regions: [us-east-1])',
    ]);
  });

  it('refuses a pattern whose stack exceeds 500 resources', () => {
    const { issues } = planRollout(loadConfigOrThrow(configFixture()), REGISTRY, { resourcesPerStack: new Map([['sns-fifo-jobs', 612]]) });
    expect(issues.map((i) => i.problem)).toEqual(['pattern sns-fifo-jobs synthesizes a stack of 612 resources, CloudFormation allows 500']);
  });
});

describe('pipeline quotas', () => {
  /** An organization of `accounts` accounts in Workloads/Dev and one wave per `perWave` of them. */
  function bigOrg(accounts: number, perWave: number, regions = ['us-east-1', 'eu-west-1']) {
    const list = Array.from({ length: accounts }, (_, i) => `  - { name: a${i}, id: "${String(700000000000 + i)}", email: a${i}@example.com, ou: Workloads/Dev }`).join('\n');
    const waves = Array.from({ length: Math.ceil(accounts / perWave) }, (_, w) => {
      const names = Array.from({ length: Math.min(perWave, accounts - w * perWave) }, (_, i) => `a${w * perWave + i}`);
      return `  - name: w${w}\n    targets: [{ accounts: [${names.join(', ')}], regions: [${regions.join(', ')}] }]\n    patterns: [sns-fifo-jobs]`;
    });
    return configFixture({ 'organization.yaml': (s) => `${s}${list}\n`, 'delivery.yaml': `waves:\n${waves.join('\n')}\n` });
  }

  it('refuses a pipeline of more than 500 actions, naming the largest waves', () => {
    const { issues } = planRollout(loadConfigOrThrow(bigOrg(288, 12)), REGISTRY);
    expect(issues.map((i) => i.problem)).toEqual([
      'the pipeline needs 1158 actions, CodePipeline allows 500; the largest waves are "w0" (48), "w1" (48), "w2" (48)',
    ]);
    expect(issues[0].fix).toBe('run a second pipeline with its own config for part of the organization, or deploy fewer patterns per account');
  });

  it('refuses more than 50 pipeline stages', () => {
    const { issues } = planRollout(loadConfigOrThrow(bigOrg(47, 1, ['us-east-1'])), REGISTRY);
    expect(issues.map((i) => i.problem)).toEqual(['the pipeline needs 51 stages, CodePipeline allows 50']);
    expect(issues[0].fix).toBe('merge small waves');
  });

  it('accepts a large plan that fits: 64 account-Region targets in 3 waves', () => {
    const plan = planOf(bigOrg(32, 12));
    expect(plan.waves.map((w) => w.actions)).toEqual([48, 48, 32]);
    expect(Math.max(...plan.pipeline.map((s) => s.actions))).toBeLessThanOrEqual(QUOTAS.actionsPerStage);
  });

  it('splits asset publishing across stages of at most 50 actions', () => {
    const waves: PlannedWave[] = [{ name: 'w', approval: false, stages: [], actions: 2 }];
    expect(pipelineShape(waves, 120).map((s) => `${s.name}:${s.actions}`)).toEqual(['Source:1', 'Build:1', 'UpdatePipeline:1', 'Assets:50', 'Assets2:50', 'Assets3:20', 'w:2']);
  });
});
