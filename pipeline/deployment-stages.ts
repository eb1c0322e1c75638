/**
 * Deployments → CDK Stages, and what each Stage synthesizes (its shape: stacks, assets, templates).
 * The pipeline stack asks its real stages; `npm run plan` asks stand-ins synthesized without
 * bundling, one per distinct deployment, which is what keeps it fast.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssetStaging, Stack, type Stage } from 'aws-cdk-lib';
import { StageDeployment } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { PatternStage } from '../stages/pattern-stage';
import type { OrganizationContext, Registry } from '../stages/types';
import { newApp } from './app-context';
import type { Config } from '../accounts/config';
import { organizationContext } from './organization-context';
import { planRollout, type DeploymentShape, type DraftPlan, type PlannedDeployment, type PlanResult } from './planner';
import { stackSetTemplate, StackSetStage } from './stackset/stackset-stage';

/** The CDK Stage of a deployment: a pattern's own stage, a platform part's, or a StackSet's. */
export function createDeploymentStage(scope: Construct, d: PlannedDeployment, registry: Registry, organization: OrganizationContext): Stage {
  const definition = registry.patterns.get(d.pattern);
  if (!definition) throw new Error(`unknown pattern ${d.pattern}`);
  if (d.kind === 'stackset') {
    if (definition.kind !== 'workload') throw new Error(`${d.pattern} is not a workload pattern and cannot be a StackSet`);
    return new StackSetStage(scope, d.id, { stackSet: d, template: stackSetTemplate(scope, definition, d.parameters, d.assetAccountId) });
  }
  const target = { accountName: d.accountName, accountId: d.accountId, region: d.region };
  const env = { account: d.accountId, region: d.region };
  if (definition.kind === 'platform') return definition.createStage(scope, d.id, { env, target, parameters: d.parameters, organization });
  return new PatternStage(scope, d.id, { env, target, parameters: d.parameters, organization, pattern: definition, stackName: d.stackName });
}

/**
 * What a Stage synthesizes, as CDK Pipelines will see it (`StageDeployment.fromStage`, the same
 * call `addStage` makes): its stacks, their assets and their templates. `identity` names an asset
 * when its hash does not (bundling skipped); by default the hash is the identity.
 */
export function measureStage(stage: Stage, d: PlannedDeployment, identity: (assetId: string) => string = (id) => id): DeploymentShape {
  const deployment = StageDeployment.fromStage(stage);
  const account = d.kind === 'stackset' ? d.adminAccountId : d.accountId;
  const assets = new Map<string, Set<string>>();
  for (const stack of deployment.stacks) {
    for (const asset of stack.assets) {
      const id = identity(asset.assetId);
      const set = assets.get(id) ?? new Set<string>();
      // A StackSet's code goes to the asset bucket of each of its Regions; everything else to the stack's bootstrap bucket.
      const destinations = asset.assetManifestPath.endsWith('.stackset-assets.json') && d.kind === 'stackset' ? d.regions.map((r) => `${d.assetAccountId}/${r}`) : [`${account}/${stack.region}`];
      destinations.forEach((x) => set.add(x));
      assets.set(id, set);
    }
  }
  const assembly = stage.synth();
  const templates: Array<DeploymentShape['templates'][number]> = assembly.stacks.map((s) => templateFacts(s.templateFullPath, s.stackName, 'action'));
  if (stage instanceof StackSetStage) templates.push(templateFacts(stage.template.synthesizedTemplate().file, `${d.pattern} StackSet template`, 's3'));
  return { stacks: deployment.stacks.length, assets: [...assets].map(([id, destinations]) => ({ id, destinations: [...destinations] })), templates };
}

function templateFacts(file: string, name: string, via: 'action' | 's3'): DeploymentShape['templates'][number] {
  const text = fs.readFileSync(file, 'utf8');
  const template = JSON.parse(text) as { Resources?: Record<string, unknown> };
  return { name, resources: Object.keys(template.Resources ?? {}).length, bytes: Buffer.byteLength(text), via };
}

/**
 * Deployments that synthesize alike: the same pattern, parameters and mode (and Region, for CDK
 * Stages). StackSets of one pattern in several waves share their template and its code, published
 * to the same places; only their host stacks differ, by names and targets.
 */
function representativeKey(d: PlannedDeployment): string {
  return d.kind === 'stackset'
    ? `stackset|${d.pattern}|${JSON.stringify(d.parameters)}|${d.adminAccountId}/${d.region}|${d.assetAccountId}|${d.regions.join(',')}`
    : `stage|${d.pattern}|${d.region}|${JSON.stringify(d.parameters)}`;
}

/**
 * The shapes of a draft for `npm run plan`: one stand-in Stage per distinct deployment,
 * synthesized with bundling skipped and no guards, so the plan costs seconds and no AWS.
 */
export function measureDraft(draft: DraftPlan, registry: Registry, organization: OrganizationContext): Map<string, DeploymentShape> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-shapes-'));
  try {
    const app = newApp({ 'aws:cdk:bundling-stacks': [] }, outdir);
    const byKey = new Map<string, DeploymentShape>();
    const out = new Map<string, DeploymentShape>();
    for (const d of draft.waves.flatMap((w) => w.deployments)) {
      const key = representativeKey(d);
      let shape = byKey.get(key);
      if (!shape) {
        const stage = createDeploymentStage(app, d, registry, organization);
        shape = measureStage(stage, d, skippedBundleIdentities(stage));
        byKey.set(key, shape);
      } else if (d.kind === 'stage') {
        // The same stage elsewhere: its assets go to that account's bootstrap bucket.
        shape = { ...shape, assets: shape.assets.map((a) => ({ id: a.id, destinations: a.destinations.map((x) => `${d.accountId}/${x.split('/')[1]}`) })) };
      } else {
        // The same StackSet in another wave: its own host stack (of nearly the same bytes: names and OU ids differ).
        shape = { ...shape, templates: shape.templates.map((t) => (t.via === 'action' ? { ...t, name: d.stackName } : t)) };
      }
      out.set(d.id, shape);
    }
    return out;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * With bundling skipped, CDK names a bundle after the construct that holds it instead of its
 * content, so copies of one function in two stages get two names. Name such a bundle after the
 * pattern construct it belongs to and its path inside it, which is what makes two copies one
 * asset once bundled (the same code gives the same bytes).
 */
export function skippedBundleIdentities(stage: Stage): (assetId: string) => string {
  // A StackSet's code is built in its template's stage.
  const scopes: Construct[] = stage instanceof StackSetStage ? [stage, stage.template] : [stage];
  let names: Map<string, string> | undefined;
  const collect = () => {
    // The templates of StackSets hold these names too, but a template is shared by every wave, so its hash already is its identity.
    const out = new Map<string, string>();
    for (const c of scopes.flatMap((scope) => scope.node.findAll())) {
      if (!(c instanceof AssetStaging)) continue;
      const stack = Stack.of(c);
      if (stack.bundlingRequired || c.absoluteStagedPath !== c.sourcePath) continue;
      const inStack = c.node.path.slice(stack.node.path.length + 1);
      const owner = stack.node.tryFindChild(inStack.split('/')[0]);
      out.set(c.assetHash, `bundle:${owner?.constructor.name ?? ''}/${inStack}`);
    }
    return out;
  };
  // Asked after synthesis, when the StackSet templates (and so their hashes) exist.
  return (assetId) => (names ??= collect()).get(assetId) ?? assetId;
}

/** The plan of a config as `npm run plan` makes it: shapes measured on stand-in stages (no bundling, no AWS). */
export function planWithStandIns(config: Config, registry: Registry): PlanResult {
  return planRollout(config, registry, (draft) => measureDraft(draft, registry, organizationContext(config)));
}
