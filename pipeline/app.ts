/**
 * The CDK app: config → deployments → pipeline stack (which measures its stages and checks the
 * quotas on them), with the guards on every synth. `cdk synth` (or `cdk synth -c config=DIR`) runs
 * this file; it never calls AWS.
 */
import * as path from 'node:path';
import { Aspects, type App } from 'aws-cdk-lib';
import { ConfigError, formatIssue, renderIssues } from '../accounts/issues';
import { defaultConfigDir, loadConfig } from '../accounts/loader';
import type { Quotas } from '../accounts/schema';
import { REGISTRY } from './registry';
import { REPO_ROOT } from '../stages/shared/pattern-function';
import { DenyNonServiceGrants } from '../stages/shared/pattern-key';
import { newApp } from './app-context';
import { checkAssembly } from './assembly-checks';
import { addGuards } from './guards';
import { DeliveryPipelineStack, pipelineStackName } from './pipeline-stack';
import { planDeployments } from './planner';

export const CONFIG_CONTEXT = 'config';

/**
 * The config directory as the pipeline's synth step will name it: relative to the repository, since
 * the pipeline builds from a clone of it. A directory outside the repository is refused.
 */
export function configPathInRepository(dir: string, repoRoot: string = REPO_ROOT): { configPath?: string; error?: string } {
  const relative = path.relative(repoRoot, path.resolve(dir));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return {
      error: `${dir}: the config directory is outside the repository (${repoRoot}): the pipeline synthesizes from a clone of the repository and would not find it (put it inside the repository, for example as ./my-org, and pass -c config=my-org)`,
    };
  }
  return { configPath: relative || '.' };
}

export function buildApp(app: App = newApp()): { app: App; ok: boolean; errors: string[]; quotas?: Quotas } {
  const dirContext = app.node.tryGetContext(CONFIG_CONTEXT) as string | undefined;
  const dir = dirContext ?? defaultConfigDir();
  const where = configPathInRepository(dir);
  if (where.error) return { app, ok: false, errors: [where.error] };
  const { config, issues } = loadConfig(dir);
  const planned = config && issues.length === 0 ? planDeployments(config, REGISTRY) : undefined;
  const all = [...issues, ...(planned?.issues ?? [])];
  if (!config || !planned?.draft || all.length > 0) return { app, ok: false, errors: all.map(formatIssue) };

  try {
    new DeliveryPipelineStack(app, pipelineStackName(config.organization.pipeline.name), {
      env: { account: config.organization.management.account, region: config.organization.management.homeRegion },
      config,
      draft: planned.draft,
      registry: REGISTRY,
      configPath: where.configPath!,
      description: 'platform-delivery: self-mutating pipeline that rolls serverless patterns out wave by wave',
    });
  } catch (err) {
    // The stages were measured and the plan does not fit: the same refusals as `npm run plan`.
    if (err instanceof ConfigError) return { app, ok: false, errors: err.issues.map(formatIssue) };
    throw err;
  }
  // Also reaches the keys CDK Pipelines makes in its cross-Region support stacks.
  Aspects.of(app).add(new DenyNonServiceGrants());
  addGuards(app);
  return { app, ok: true, errors: [], quotas: config.organization.quotas };
}

if (require.main === module) {
  const { app, ok, errors, quotas } = buildApp();
  if (!ok) {
    console.error(renderIssues(errors));
    process.exit(1);
  }
  const assembly = app.synth();
  const breaches = checkAssembly(assembly, quotas!);
  if (breaches.length > 0) {
    console.error(`The synthesized pipeline breaches a quota:\n${breaches.map((b) => `  ${b}`).join('\n')}`);
    process.exit(1);
  }
}
