/**
 * The planner: a pure function from config (+ registry) to a rollout plan, in the spirit of CDK
 * Pipelines' blueprint → graph. No CDK and no AWS here, so it is tested directly.
 *
 *   waves → stages (pattern × account × Region, OU targets expanded) → stacks → pipeline shape
 */
import * as path from 'node:path';
import { type ConfigIssue, suggestion } from '../accounts/issues';
import { accountsInOu, CONFIG_FILES, findAccount, type Config } from '../accounts/loader';
import type { Account } from '../accounts/schema';
import { fromZodIssues } from '../accounts/zod-issues';
import type { Registry } from '../stages/types';
import { organizationContext } from './organization-context';
import { ACTIONS_PER_STACK, FIXED_STAGES, QUOTAS, TEMPLATE_BYTES } from './quotas';

export interface PlannedStage {
  /** Construct id of the CDK Stage: `<pattern>-<account>-<region>`. */
  readonly id: string;
  readonly pattern: string;
  readonly wave: string;
  readonly accountName: string;
  readonly accountId: string;
  readonly region: string;
  /** Parameters after the pattern's schema applied its defaults. */
  readonly parameters: unknown;
  readonly stacks: number;
}

export interface PlannedWave {
  readonly name: string;
  readonly approval: boolean;
  readonly stages: readonly PlannedStage[];
  /** Pipeline actions of this wave's pipeline stage. */
  readonly actions: number;
}

export interface PipelineStageShape {
  readonly name: string;
  readonly actions: number;
}

export interface QuotaUse {
  readonly quota: string;
  readonly used: number;
  readonly limit: number;
  /** Where the largest use is (a wave name), when it is not the whole pipeline. */
  readonly where?: string;
}

export interface Plan {
  readonly waves: readonly PlannedWave[];
  readonly pipeline: readonly PipelineStageShape[];
  readonly quotas: readonly QuotaUse[];
}

export interface PlanOptions {
  /** Distinct assets the stages publish; from the registry when absent. */
  readonly assets?: number;
  /** Resources in the largest stack of each pattern, measured by synthesizing it (see stack-resources.ts). */
  readonly resourcesPerStack?: ReadonlyMap<string, number>;
}

export interface PlanResult {
  readonly plan?: Plan;
  readonly issues: ConfigIssue[];
}

export function planRollout(config: Config, registry: Registry, options: PlanOptions = {}): PlanResult {
  const file = path.join(config.dir, CONFIG_FILES.delivery);
  const issues: ConfigIssue[] = [];
  const waves: PlannedWave[] = [];
  const placed = new Map<string, string>(); // stage id → "waves[i].patterns[j]"
  const knownIds = [...registry.patterns.keys()];
  const organization = organizationContext(config);

  config.delivery.waves.forEach((wave, w) => {
    const stages: PlannedStage[] = [];
    wave.patterns.forEach((ref, pi) => {
      const at = `waves[${w}].patterns[${pi}]`;
      const id = typeof ref === 'string' ? ref : ref.id;
      const idPath = typeof ref === 'string' ? at : `${at}.id`;
      const definition = registry.patterns.get(id);
      if (!definition) {
        const planned = registry.planned.get(id);
        issues.push(
          planned
            ? { file, path: idPath, problem: `pattern "${id}" (${planned.description}) is not available yet`, fix: `remove it for now; available patterns: ${knownIds.join(', ')}` }
            : { file, path: idPath, problem: `unknown pattern "${id}"`, fix: suggestion(id, [...knownIds, ...registry.planned.keys()], 'pattern') },
        );
        return;
      }
      const rawParameters = typeof ref === 'string' ? {} : (ref.parameters ?? {});
      const parsed = definition.parameters.safeParse(rawParameters);
      if (!parsed.success) {
        issues.push(...fromZodIssues(file, definition.parameters, rawParameters, parsed.error.issues, ['waves', w, 'patterns', pi, 'parameters']));
        return;
      }
      const narrowed = typeof ref === 'string' ? undefined : ref.regions;
      for (const { account, region } of expandTargets(config, w)) {
        if (narrowed && !narrowed.includes(region)) continue;
        const rule = definition.targetRule?.(parsed.data, { accountName: account.name, accountId: account.id, region }, organization);
        if (rule) {
          issues.push({ file, path: narrowed ? `${at}.regions` : at, problem: `${id} cannot go to ${account.name} in ${region}: ${rule.problem}`, fix: rule.fix });
          continue;
        }
        const stageId = `${id}-${account.name}-${region}`;
        const earlier = placed.get(stageId);
        if (earlier) {
          issues.push({ file, path: at, problem: `${id} is already deployed to ${account.name} in ${region} by ${earlier}`, fix: 'deploy each pattern to an account and Region from one wave only' });
          continue;
        }
        placed.set(stageId, at);
        const stacks = typeof definition.stacksPerStage === 'number' ? definition.stacksPerStage : definition.stacksPerStage(parsed.data, organization);
        stages.push({ id: stageId, pattern: id, wave: wave.name, accountName: account.name, accountId: account.id, region, parameters: parsed.data, stacks });
      }
    });
    const actions = stages.reduce((n, s) => n + s.stacks * ACTIONS_PER_STACK, 0) + (wave.approval ? 1 : 0);
    waves.push({ name: wave.name, approval: wave.approval, stages, actions });
  });
  waves.forEach((wave, w) => {
    if (wave.stages.length === 0 && !issues.some((i) => i.path.startsWith(`waves[${w}]`))) {
      issues.push({ file, path: `waves[${w}]`, problem: `wave "${wave.name}" deploys nothing: its targets hold no accounts`, fix: 'add accounts to its OUs, or remove the wave' });
    }
  });
  if (issues.length > 0) return { issues };

  const pipeline = pipelineShape(waves, options.assets ?? distinctAssets(waves, registry));
  const quotas = quotaUse(pipeline, waves, options.resourcesPerStack);
  issues.push(...quotaIssues(file, quotas, waves));
  return issues.length > 0 ? { issues } : { plan: { waves, pipeline, quotas }, issues };
}

/** Every (account, Region) a wave's targets name, in config order, each once. */
export function expandTargets(config: Config, waveIndex: number): Array<{ account: Account; region: string }> {
  const out: Array<{ account: Account; region: string }> = [];
  const seen = new Set<string>();
  for (const target of config.delivery.waves[waveIndex].targets) {
    const accounts = [
      ...(target.accounts ?? []).map((ref) => findAccount(config.organization.accounts, ref)).filter((a): a is Account => a !== undefined),
      ...(target.organizationalUnits ?? []).flatMap((ou) => accountsInOu(config.organization.accounts, ou)),
    ];
    for (const account of accounts) {
      for (const region of target.regions) {
        const key = `${account.id}/${region}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ account, region });
        }
      }
    }
  }
  return out;
}

/** Every copy of a pattern shares its Lambda bundles, so each pattern's assets publish once. */
function distinctAssets(waves: readonly PlannedWave[], registry: Registry): number {
  const patterns = new Set(waves.flatMap((w) => w.stages.map((s) => s.pattern)));
  return new Set([...patterns].flatMap((id) => registry.patterns.get(id)?.assets ?? [])).size;
}

export function pipelineShape(waves: readonly PlannedWave[], assets: number): PipelineStageShape[] {
  const shape: PipelineStageShape[] = FIXED_STAGES.map((s) => ({ ...s }));
  for (let i = 0, n = 1; i < assets; i += QUOTAS.actionsPerStage, n++) {
    shape.push({ name: n === 1 ? 'Assets' : `Assets${n}`, actions: Math.min(QUOTAS.actionsPerStage, assets - i) });
  }
  // CDK Pipelines names a wave's pipeline stage after its only CDK Stage when it has just one.
  for (const wave of waves) shape.push({ name: wave.stages.length === 1 ? wave.stages[0].id : wave.name, actions: wave.actions });
  return shape;
}

function quotaUse(pipeline: readonly PipelineStageShape[], waves: readonly PlannedWave[], resources?: ReadonlyMap<string, number>): QuotaUse[] {
  const totalActions = pipeline.reduce((n, s) => n + s.actions, 0);
  const largestWave = [...waves].sort((a, b) => b.actions - a.actions)[0];
  const largestStack = [...(resources ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0];
  return [
    ...(largestStack ? [{ quota: 'resources per stack', used: largestStack[1], limit: QUOTAS.resourcesPerStack, where: largestStack[0] }] : []),
    { quota: 'stages per pipeline', used: pipeline.length, limit: QUOTAS.stagesPerPipeline },
    { quota: 'actions per stage', used: largestWave?.actions ?? 0, limit: QUOTAS.actionsPerStage, where: largestWave?.name },
    { quota: 'actions per pipeline', used: totalActions, limit: QUOTAS.actionsPerPipeline },
    { quota: 'pipeline template bytes (estimated)', used: TEMPLATE_BYTES.base + TEMPLATE_BYTES.perAction * totalActions, limit: QUOTAS.pipelineTemplateBytes },
  ];
}

function quotaIssues(file: string, quotas: readonly QuotaUse[], waves: readonly PlannedWave[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  waves.forEach((wave, w) => {
    if (wave.actions > QUOTAS.actionsPerStage) {
      const parts = Math.ceil(wave.actions / QUOTAS.actionsPerStage);
      issues.push({
        file,
        path: `waves[${w}]`,
        problem: `wave "${wave.name}" is too big: ${wave.stages.length} stages need ${wave.actions} actions in one pipeline stage, CodePipeline allows ${QUOTAS.actionsPerStage}`,
        fix: `split it into at least ${parts} waves (for example one per Region or per OU), or deploy fewer patterns in it`,
      });
    }
  });
  const byName = new Map(quotas.map((q) => [q.quota, q]));
  const biggest = [...waves].sort((a, b) => b.actions - a.actions).slice(0, 3).map((w) => `"${w.name}" (${w.actions})`).join(', ');
  const total = byName.get('actions per pipeline')!;
  if (total.used > total.limit) {
    issues.push({
      file,
      path: 'waves',
      problem: `the pipeline needs ${total.used} actions, CodePipeline allows ${total.limit}; the largest waves are ${biggest}`,
      fix: 'run a second pipeline with its own config for part of the organization, or deploy fewer patterns per account',
    });
  }
  const stages = byName.get('stages per pipeline')!;
  if (stages.used > stages.limit) {
    issues.push({ file, path: 'waves', problem: `the pipeline needs ${stages.used} stages, CodePipeline allows ${stages.limit}`, fix: 'merge small waves' });
  }
  const resources = byName.get('resources per stack');
  if (resources && resources.used > resources.limit) {
    issues.push({ file, path: 'waves', problem: `pattern ${resources.where} synthesizes a stack of ${resources.used} resources, CloudFormation allows ${resources.limit}`, fix: 'split the pattern into more stacks (stacksPerStage) or reduce what its parameters create' });
  }
  const bytes = byName.get('pipeline template bytes (estimated)')!;
  if (bytes.used > bytes.limit && total.used <= total.limit) {
    issues.push({ file, path: 'waves', problem: `the pipeline template would be about ${bytes.used} bytes, CloudFormation allows ${bytes.limit}`, fix: 'split the organization across two pipelines' });
  }
  return issues;
}
