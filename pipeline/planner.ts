/**
 * The planner: pure functions from config (+ registry) to a rollout plan, in the spirit of CDK
 * Pipelines' blueprint → graph. No CDK and no AWS here, so they are tested directly.
 *
 *   planDeployments: waves → deployments, each one of
 *     - a CDK Stage per (pattern, account, Region)          (delivery mode `stages`)
 *     - a service-managed StackSet per (wave, pattern)      (delivery mode `stackset`)
 *   shapePlan: deployments + what each one synthesizes (stacks, assets, templates)
 *     → pipeline stages (a wave too big for one is split), quotas, refusals
 *
 * The shapes come from the stages themselves (see deployment-shapes.ts), never from counts kept by hand.
 */
import * as path from 'node:path';
import { type ConfigIssue, suggestion } from '../accounts/issues';
import { accountsInOu, deliveryMode, findAccount, stackSetOus } from '../accounts/queries';
import { CONFIG_FILES, type Config } from '../accounts/config';
import { DEFAULT_PIPELINE_NAME, type Account, type Bake, type DeploymentWindow, type Quotas, type StackSetPreferences, type Target } from '../accounts/schema';
import { fromZodIssues } from '../accounts/zod-issues';
import type { Registry } from '../stages/types';
import { organizationContext } from './organization-context';
import { ACTIONS_PER_STACK, APPROVAL_ACTIONS, ASSET_PUBLISHING_ACTIONS, FIXED_STAGES, TEMPLATE_BYTES } from './quotas';
import { bakeGateParameters, planBake, planWindow, USER_PARAMETERS_LIMIT, type WaveGate } from './wave-gates';

/** One workload or platform pattern in one account and Region: a CDK Stage of the pipeline. */
export interface PlannedStage {
  readonly kind: 'stage';
  /** Construct id of the CDK Stage: `<pattern>-<account>-<region>`. */
  readonly id: string;
  readonly pattern: string;
  readonly wave: string;
  readonly accountName: string;
  readonly accountId: string;
  readonly region: string;
  /** Parameters after the pattern's schema applied its defaults. */
  readonly parameters: unknown;
  /** The pattern stack's CloudFormation name (workload patterns). */
  readonly stackName: string;
  /** A platform part (baseliner, catalog): it has a stage of its own and cannot move to StackSets. */
  readonly platform: boolean;
}

/** One StackSet instance group: OUs (and an account filter) in some Regions. */
export interface StackSetGroup {
  readonly organizationalUnits: readonly string[];
  readonly organizationalUnitIds: readonly string[];
  /** Account ids of the account filter. */
  readonly accounts: readonly string[];
  readonly accountFilter: 'NONE' | 'UNION' | 'INTERSECTION';
  readonly regions: readonly string[];
}

export interface StackInstance {
  readonly accountName: string;
  readonly accountId: string;
  readonly ou: string;
  readonly region: string;
}

/** One workload pattern of one wave as a service-managed StackSet, deployed by the pipeline to its administrator. */
export interface PlannedStackSet {
  readonly kind: 'stackset';
  /** Construct id of the CDK Stage that holds the StackSet: `stackset-<wave>-<pattern>`. */
  readonly id: string;
  readonly stackSetName: string;
  /** The stack that holds the AWS::CloudFormation::StackSet resource. */
  readonly stackName: string;
  readonly pattern: string;
  readonly wave: string;
  readonly parameters: unknown;
  /** Where the StackSet is administered: the management account, or the delegated administrator. */
  readonly adminAccountId: string;
  readonly region: string;
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** Account that owns the regional asset buckets the template reads its code from. */
  readonly assetAccountId: string;
  readonly groups: readonly StackSetGroup[];
  /** Every Region of every group. */
  readonly regions: readonly string[];
  /** On when a group names OUs: accounts that join them get the pattern. */
  readonly autoDeployment: boolean;
  readonly preferences: StackSetPreferences;
  /** The stack instances the StackSet has in the organization as configured today. */
  readonly instances: readonly StackInstance[];
}

export type PlannedDeployment = PlannedStage | PlannedStackSet;

export interface DraftWave {
  readonly name: string;
  readonly approval: boolean;
  readonly deployments: readonly PlannedDeployment[];
  /** As delivery.yaml gives them; planned into the wave's gate once the shapes are known. */
  readonly bake?: Bake;
  readonly window?: DeploymentWindow;
}

/** The deployments of a config, before their shapes are known. */
export interface DraftPlan {
  readonly pipelineName: string;
  readonly quotas: Quotas;
  /** delivery.yaml, for messages. */
  readonly file: string;
  readonly waves: readonly DraftWave[];
}

/** What one deployment synthesizes, measured on its Stage. */
export interface DeploymentShape {
  /** CloudFormation stacks the pipeline deploys for it (one Deploy action each). */
  readonly stacks: number;
  /** Assets it publishes, by identity, each to these destinations (account/Region or bucket/Region). */
  readonly assets: ReadonlyArray<{ readonly id: string; readonly destinations: readonly string[] }>;
  /** Templates it deploys: those of its stacks (read by the CloudFormation action) and a StackSet's (read from S3). */
  readonly templates: ReadonlyArray<{ readonly name: string; readonly resources: number; readonly bytes: number; readonly via: 'action' | 's3' }>;
}

/** One CodePipeline stage of a wave; a wave larger than one pipeline stage takes several, in order. */
export interface PipelineWavePart {
  readonly name: string;
  readonly deployments: readonly string[];
  readonly actions: number;
  readonly approval: boolean;
}

export interface PlannedWave extends DraftWave {
  readonly parts: readonly PipelineWavePart[];
  readonly actions: number;
  /** What must hold before the wave enters: its deployment window, the previous wave's bake. */
  readonly gate: WaveGate;
}

export interface PipelineStageShape {
  readonly name: string;
  readonly actions: number;
}

export interface QuotaUse {
  readonly quota: string;
  readonly used: number;
  readonly limit: number;
  /** Where the largest use is (a wave, a pattern), when it is not the whole pipeline. */
  readonly where?: string;
}

export interface Plan {
  readonly pipelineName: string;
  readonly waves: readonly PlannedWave[];
  readonly pipeline: readonly PipelineStageShape[];
  readonly quotas: readonly QuotaUse[];
  readonly shapes: ReadonlyMap<string, DeploymentShape>;
  /** Distinct assets the pipeline publishes. */
  readonly assets: number;
}

export interface PlanResult {
  readonly plan?: Plan;
  readonly issues: ConfigIssue[];
}

/** Measures the deployments of a draft: by synthesizing their stages (deployment-shapes.ts). */
export type MeasureDeployments = (draft: DraftPlan) => ReadonlyMap<string, DeploymentShape>;

/** Config → deployments → shapes → plan. */
export function planRollout(config: Config, registry: Registry, measure: MeasureDeployments): PlanResult {
  const { draft, issues } = planDeployments(config, registry);
  if (!draft) return { issues };
  return shapePlan(draft, measure(draft));
}

/** The first half: which deployments a config makes, with every config issue the registry finds. */
export function planDeployments(config: Config, registry: Registry): { draft?: DraftPlan; issues: ConfigIssue[] } {
  const file = path.join(config.dir, CONFIG_FILES.delivery);
  const org = config.organization;
  const issues: ConfigIssue[] = [];
  const waves: DraftWave[] = [];
  const placed = new Map<string, string>(); // pattern/account/region → "waves[i].patterns[j]"
  const knownIds = [...registry.patterns.keys()];
  const organization = organizationContext(config);
  const pipelineName = org.pipeline.name;
  const admin = org.stackSets.delegatedAdministrator;

  config.delivery.waves.forEach((wave, w) => {
    const deployments: PlannedDeployment[] = [];
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
      if (definition.kind === 'platform' && definition.configIssues) issues.push(...definition.configIssues(parsed.data, config));
      const narrowed = typeof ref === 'string' ? undefined : ref.regions;
      const regionPath = narrowed ? `${at}.regions` : at;
      const stackSetGroups: StackSetGroup[] = [];
      const instances: StackInstance[] = [];

      wave.targets.forEach((target, ti) => {
        const regions = target.regions.filter((r) => !narrowed || narrowed.includes(r));
        if (regions.length === 0) return;
        const mode = deliveryMode(target);
        if (mode === 'stackset' && definition.kind === 'platform') {
          issues.push({
            file,
            path: `waves[${w}].targets[${ti}]${target.delivery ? '.delivery' : ''}`,
            problem: `${id} is a platform part of the management account and is deployed as CDK Stages only`,
            fix: 'give this wave a target with accounts: [management] (delivery: stages)',
          });
          return;
        }
        const reached = targetAccounts(config, target);
        for (const { account, region } of reached.flatMap((account) => regions.map((region) => ({ account, region })))) {
          const rule = definition.targetRule?.(parsed.data, { accountName: account.name, accountId: account.id, region }, organization);
          if (rule) {
            issues.push({ file, path: regionPath, problem: `${id} cannot go to ${account.name} in ${region}: ${rule.problem}`, fix: rule.fix });
            continue;
          }
          const key = `${id}/${account.id}/${region}`;
          const earlier = placed.get(key);
          if (earlier) {
            if (earlier !== at)
              issues.push({
                file,
                path: at,
                problem: `${id} is already deployed to ${account.name} in ${region} by ${earlier}`,
                fix: 'deploy each pattern to an account and Region from one wave only',
              });
            continue;
          }
          placed.set(key, at);
          // Service-managed StackSets never deploy to the management account, whatever OU it is in.
          if (mode === 'stackset' && account.id === org.management.account) continue;
          if (mode === 'stackset') instances.push({ accountName: account.name, accountId: account.id, ou: account.ou, region });
          else {
            deployments.push({
              kind: 'stage',
              id: `${id}-${account.name}-${region}`,
              pattern: id,
              wave: wave.name,
              accountName: account.name,
              accountId: account.id,
              region,
              parameters: parsed.data,
              stackName: patternStackName(pipelineName, id),
              platform: definition.kind === 'platform',
            });
          }
        }
        if (mode === 'stackset') stackSetGroups.push(stackSetGroup(config, target, regions));
      });

      if (stackSetGroups.length > 0) {
        const regions = [...new Set(stackSetGroups.flatMap((g) => g.regions))];
        const stackSetName = `${pipelineName}-${wave.name}-${id}`;
        deployments.push({
          kind: 'stackset',
          id: `stackset-${wave.name}-${id}`,
          stackSetName,
          stackName: `${stackSetName}-stackset`,
          pattern: id,
          wave: wave.name,
          parameters: parsed.data,
          adminAccountId: admin ?? org.management.account,
          region: org.management.homeRegion,
          callAs: admin ? 'DELEGATED_ADMIN' : 'SELF',
          assetAccountId: org.management.account,
          groups: stackSetGroups,
          regions,
          autoDeployment: stackSetGroups.some((g) => g.accountFilter !== 'INTERSECTION'),
          preferences: { ...wave.stackSets, regionOrder: wave.stackSets.regionOrder?.filter((r) => regions.includes(r)) },
          instances,
        });
      }
    });
    waves.push({ name: wave.name, approval: wave.approval, deployments, bake: wave.bake, window: wave.window });
  });
  waves.forEach((wave, w) => {
    if (wave.deployments.length === 0 && !issues.some((i) => i.path.startsWith(`waves[${w}]`))) {
      issues.push({ file, path: `waves[${w}]`, problem: `wave "${wave.name}" deploys nothing: its targets hold no accounts`, fix: 'add accounts to its OUs, or remove the wave' });
    }
  });
  issues.push(...assetBucketIssues(file, config, waves, registry));
  if (issues.length > 0) return { issues };
  return { draft: { pipelineName, quotas: org.quotas, file, waves }, issues };
}

/** StackSet templates read their code from the regional asset buckets, which a platform pattern (the catalog) creates first. */
function assetBucketIssues(file: string, config: Config, waves: readonly DraftWave[], registry: Registry): ConfigIssue[] {
  const providers = [...registry.patterns.values()].filter((p) => p.kind === 'platform' && p.providesStackSetAssetBuckets).map((p) => p.id);
  const firstStackSetWave = waves.findIndex((w) => w.deployments.some((d) => d.kind === 'stackset'));
  if (firstStackSetWave < 0) return [];
  // As written in delivery.yaml: a provider refused for another reason is reported there, not here.
  const providerWave = config.delivery.waves.findIndex((w) => w.patterns.some((ref) => providers.includes(typeof ref === 'string' ? ref : ref.id)));
  if (providerWave >= 0 && providerWave < firstStackSetWave) return [];
  const wave = waves[firstStackSetWave];
  return [
    {
      file,
      path: `waves[${firstStackSetWave}]`,
      problem: `wave "${wave.name}" delivers StackSets, whose code is read from the regional asset buckets that ${providers.join(' or ')} creates, but ${providerWave < 0 ? 'no wave deploys it' : `it is deployed later, in wave "${waves[providerWave].name}"`}`,
      fix: `deploy ${providers[0]} to the management account and home Region in a wave before "${wave.name}" (see the sample's platform wave)`,
    },
  ];
}

/** The CloudFormation name of a workload pattern's stack in stages mode. */
export function patternStackName(pipelineName: string, pattern: string): string {
  return pipelineName === DEFAULT_PIPELINE_NAME ? `pattern-${pattern}` : `${pipelineName}-${pattern}`;
}

/** The accounts a target reaches today, in config order, each once. */
function targetAccounts(config: Config, target: Target): Account[] {
  const accounts = [
    ...(target.accounts ?? []).map((ref) => findAccount(config.organization.accounts, ref)).filter((a): a is Account => a !== undefined),
    ...(target.organizationalUnits ?? []).flatMap((ou) => accountsInOu(config.organization.accounts, ou)),
  ];
  return [...new Map(accounts.map((a) => [a.id, a])).values()];
}

/**
 * A StackSet target: its OUs (auto-deployment reaches accounts that join them later), with the
 * accounts it names added (UNION); a target of accounts alone reaches them through their OUs and
 * an INTERSECTION filter. The management account is never a StackSet instance: service-managed
 * StackSets do not deploy to it.
 */
function stackSetGroup(config: Config, target: Target, regions: string[]): StackSetGroup {
  const org = config.organization;
  const ous = [...new Set(stackSetOus(org.accounts, target))];
  const accounts = (target.accounts ?? []).map((ref) => findAccount(org.accounts, ref)!.id);
  return {
    organizationalUnits: ous,
    organizationalUnitIds: ous.map((ou) => org.organizationalUnitIds[ou]),
    accounts,
    accountFilter: accounts.length === 0 ? 'NONE' : target.organizationalUnits?.length ? 'UNION' : 'INTERSECTION',
    regions,
  };
}

/** Every (account, Region) a wave's targets name, in config order, each once. */
export function expandTargets(config: Config, waveIndex: number): Array<{ account: Account; region: string }> {
  const out: Array<{ account: Account; region: string }> = [];
  const seen = new Set<string>();
  for (const target of config.delivery.waves[waveIndex].targets) {
    for (const account of targetAccounts(config, target)) {
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

// ---------------------------------------------------------------- the second half: shapes → pipeline

const actionsOf = (shape: DeploymentShape) => shape.stacks * ACTIONS_PER_STACK;

/** Deployments + their measured shapes → pipeline stages, quotas, and the refusals with one fix each. */
export function shapePlan(draft: DraftPlan, shapes: ReadonlyMap<string, DeploymentShape>): PlanResult {
  const { quotas, file } = draft;
  const issues: ConfigIssue[] = [];
  const shapeOf = (d: PlannedDeployment) => {
    const s = shapes.get(d.id);
    if (!s) throw new Error(`no measured shape for deployment ${d.id}`);
    return s;
  };

  const waves: PlannedWave[] = draft.waves.map((wave, w) => {
    const parts: PipelineWavePart[] = [];
    let current: { deployments: string[]; actions: number } = { deployments: [], actions: wave.approval ? APPROVAL_ACTIONS : 0 };
    const close = () => {
      const n = parts.length + 1;
      parts.push({ name: n === 1 ? wave.name : `${wave.name}-${n}`, deployments: current.deployments, actions: current.actions, approval: n === 1 && wave.approval });
    };
    // StackSets first: they reach the most accounts, so they go out as early as the wave allows.
    const ordered = [...wave.deployments.filter((d) => d.kind === 'stackset'), ...wave.deployments.filter((d) => d.kind === 'stage')];
    for (const d of ordered) {
      const actions = actionsOf(shapeOf(d));
      if (actions > quotas.actionsPerStage) {
        issues.push({
          file,
          path: `waves[${w}]`,
          problem: `${d.id} deploys ${shapeOf(d).stacks} stacks, ${actions} actions, more than one pipeline stage holds (${quotas.actionsPerStage})`,
          fix: `split pattern ${d.pattern} into fewer stacks`,
        });
        continue;
      }
      if (current.deployments.length > 0 && current.actions + actions > quotas.actionsPerStage) {
        close();
        current = { deployments: [], actions: 0 };
      }
      current.deployments.push(d.id);
      current.actions += actions;
    }
    close();
    // CDK Pipelines names a pipeline stage after its CDK Stage when it holds only one.
    const named = parts.map((p) => (p.deployments.length === 1 ? { ...p, name: p.deployments[0] } : p));
    return { ...wave, parts: named, actions: named.reduce((n, p) => n + p.actions, 0), gate: {} };
  });
  if (issues.length > 0) return { issues };
  waves.forEach((wave, w) => {
    const bake =
      wave.bake && w > 0
        ? planBake(
            wave.bake,
            waves[w - 1].name,
            waves[w - 1].deployments,
            shapes,
            waves.map((x) => x.name),
          )
        : undefined;
    waves[w] = { ...wave, gate: { window: wave.window && planWindow(wave.window), bake } };
    if (!bake) return;
    const size = JSON.stringify(
      bakeGateParameters(
        bake,
        waves[w - 1].parts.map((p) => p.name),
      ),
    ).length;
    if (size > USER_PARAMETERS_LIMIT)
      issues.push({
        file,
        path: `waves[${w}].bake`,
        problem: `the bake before wave "${wave.name}" watches ${bake.targets.length} accounts, ${size} characters of rule parameters (CodePipeline allows ${USER_PARAMETERS_LIMIT})`,
        fix: 'lower bake.sampleAccounts, or name the alarms to watch with bake.alarmNamePrefixes',
      });
  });
  if (issues.length > 0) return { issues };

  const assetDestinations = new Map<string, Set<string>>();
  for (const d of draft.waves.flatMap((w) => w.deployments)) {
    for (const a of shapeOf(d).assets) {
      const set = assetDestinations.get(a.id) ?? new Set<string>();
      a.destinations.forEach((x) => set.add(x));
      assetDestinations.set(a.id, set);
    }
  }
  const pipeline: PipelineStageShape[] = FIXED_STAGES.map((s) => ({ ...s }));
  const assets = assetDestinations.size;
  if (assets > 0) pipeline.push({ name: 'Assets', actions: ASSET_PUBLISHING_ACTIONS });
  for (const wave of waves) pipeline.push(...wave.parts.map((p) => ({ name: p.name, actions: p.actions })));

  const plan: Plan = { pipelineName: draft.pipelineName, waves, pipeline, quotas: [], shapes, assets };
  const quotaUses = quotaUse(plan, quotas);
  issues.push(...quotaIssues(draft, plan, quotaUses));
  return issues.length > 0 ? { issues } : { plan: { ...plan, quotas: quotaUses }, issues };
}

/** Pipeline template bytes, from its actions (checked against real templates in the tests). */
export function estimatedPipelineTemplateBytes(actions: number): number {
  return TEMPLATE_BYTES.base + TEMPLATE_BYTES.perAction * actions;
}

function quotaUse(plan: Plan, quotas: Quotas): QuotaUse[] {
  const totalActions = plan.pipeline.reduce((n, s) => n + s.actions, 0);
  const largestPart = plan.waves.flatMap((w) => w.parts).sort((a, b) => b.actions - a.actions)[0];
  const templates = [...plan.shapes.entries()].flatMap(([id, s]) => s.templates.map((t) => ({ ...t, id })));
  const largest = (via: 'action' | 's3') => templates.filter((t) => t.via === via).sort((a, b) => b.bytes - a.bytes)[0];
  const largestResources = [...templates].sort((a, b) => b.resources - a.resources)[0];
  const action = largest('action');
  const s3 = largest('s3');
  return [
    ...(largestResources ? [{ quota: 'resources per stack', used: largestResources.resources, limit: quotas.resourcesPerStack, where: largestResources.name }] : []),
    ...(action ? [{ quota: 'stack template bytes', used: action.bytes, limit: quotas.actionTemplateBytes, where: action.name }] : []),
    ...(s3 ? [{ quota: 'StackSet template bytes', used: s3.bytes, limit: quotas.templateBytes, where: s3.name }] : []),
    { quota: 'stages per pipeline', used: plan.pipeline.length, limit: quotas.stagesPerPipeline },
    { quota: 'actions per stage', used: largestPart?.actions ?? 0, limit: quotas.actionsPerStage, where: largestPart?.name },
    { quota: 'actions per pipeline', used: totalActions, limit: quotas.actionsPerPipeline },
    { quota: 'pipeline template bytes (estimated)', used: estimatedPipelineTemplateBytes(totalActions), limit: quotas.templateBytes },
  ];
}

/**
 * Pipeline-wide refusals. Each says one thing to do that fits: move the largest waves that have
 * CDK Stages to StackSets (their actions then stop growing with accounts), or, when that is not
 * enough or not possible, what else is.
 */
function quotaIssues(draft: DraftPlan, plan: Plan, uses: readonly QuotaUse[]): ConfigIssue[] {
  const { file } = draft;
  const issues: ConfigIssue[] = [];
  const byName = new Map(uses.map((q) => [q.quota, q]));
  const over = (name: string) => {
    const q = byName.get(name);
    return q && q.used > q.limit ? q : undefined;
  };
  for (const name of ['resources per stack', 'stack template bytes', 'StackSet template bytes']) {
    const q = over(name);
    if (q)
      issues.push({
        file,
        path: 'waves',
        problem: `${q.where} synthesizes a ${name.startsWith('resources') ? `stack of ${q.used} resources` : `template of ${q.used} bytes`}, ${name === 'stack template bytes' ? "CodePipeline's CloudFormation action" : 'CloudFormation'} allows ${q.limit}`,
        fix: "reduce what the pattern's parameters create",
      });
  }

  const actions = over('actions per pipeline');
  const stages = over('stages per pipeline');
  const bytes = over('pipeline template bytes (estimated)');
  if (!actions && !stages && !bytes) return issues;
  const what = [
    actions ? `${actions.used} actions (CodePipeline allows ${actions.limit})` : undefined,
    stages ? `${stages.used} stages (CodePipeline allows ${stages.limit})` : undefined,
    bytes ? `a template of about ${bytes.used} bytes (CloudFormation allows ${bytes.limit})` : undefined,
  ].filter(Boolean);
  issues.push({ file, path: 'waves', problem: `the pipeline would need ${what.join(', ')}`, fix: fixForPipelineSize(draft, plan) });
  return issues;
}

/** The smallest set of the largest stage-mode waves whose move to StackSets makes the pipeline fit. */
function fixForPipelineSize(draft: DraftPlan, plan: Plan): string {
  const { quotas } = draft;
  const fits = (moved: ReadonlySet<string>) => {
    let actions = FIXED_STAGES.length + (plan.assets > 0 ? ASSET_PUBLISHING_ACTIONS : 0);
    let stages = FIXED_STAGES.length + (plan.assets > 0 ? 1 : 0);
    for (const w of plan.waves) {
      if (!moved.has(w.name)) {
        actions += w.actions;
        stages += w.parts.length;
        continue;
      }
      // As StackSets: one host stack per pattern (the platform patterns cannot move and stay as they are).
      const patterns = new Set(w.deployments.map((d) => d.pattern));
      const waveActions = (w.approval ? APPROVAL_ACTIONS : 0) + ACTIONS_PER_STACK * patterns.size;
      actions += waveActions;
      stages += Math.max(1, Math.ceil(waveActions / quotas.actionsPerStage));
    }
    return actions <= quotas.actionsPerPipeline && stages <= quotas.stagesPerPipeline && estimatedPipelineTemplateBytes(actions) <= quotas.templateBytes;
  };
  const movable = plan.waves.filter((w) => w.deployments.some((d) => d.kind === 'stage' && !d.platform)).sort((a, b) => b.actions - a.actions);
  const moved = new Set<string>();
  for (const w of movable) {
    moved.add(w.name);
    if (fits(moved)) {
      const names = [...moved].map((n) => `"${n}"`).join(', ');
      return `move wave${moved.size === 1 ? '' : 's'} ${names} to StackSets: give ${moved.size === 1 ? 'its' : 'their'} targets organizationalUnits (or delivery: stackset), and their actions stop growing with the number of accounts`;
    }
  }
  return 'merge waves (fewer waves, each a pipeline stage) and deliver them as StackSets; if the plan still does not fit, run a second pipeline for part of the organization with its own config and pipeline.name';
}
