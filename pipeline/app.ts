/**
 * The CDK app: config → plan → pipeline stack, with the guards on every synth.
 * `cdk synth` (or `cdk synth -c config=DIR`) runs this file; it never calls AWS.
 */
import * as path from 'node:path';
import { Aspects, type App } from 'aws-cdk-lib';
import { formatIssue } from '../accounts/issues';
import { defaultConfigDir, loadConfig } from '../accounts/loader';
import { REGISTRY } from '../stages';
import { DenyNonServiceGrants } from '../stages/shared/pattern-key';
import { newApp } from './app-context';
import { addGuards } from './guards';
import { DeliveryPipelineStack, PIPELINE_STACK_NAME } from './pipeline-stack';
import { planRollout } from './planner';
import { checkAssembly } from './assembly-checks';

export const CONFIG_CONTEXT = 'config';

export function buildApp(app: App = newApp()): { app: App; ok: boolean; errors: string[] } {
  const dirContext = app.node.tryGetContext(CONFIG_CONTEXT) as string | undefined;
  const dir = dirContext ?? defaultConfigDir();
  const { config, issues } = loadConfig(dir);
  const planned = config && issues.length === 0 ? planRollout(config, REGISTRY) : undefined;
  const all = [...issues, ...(planned?.issues ?? [])];
  if (!config || !planned?.plan || all.length > 0) return { app, ok: false, errors: all.map(formatIssue) };

  new DeliveryPipelineStack(app, PIPELINE_STACK_NAME, {
    env: { account: config.organization.management.account, region: config.organization.management.homeRegion },
    config,
    plan: planned.plan,
    registry: REGISTRY,
    configPath: path.relative(process.cwd(), path.resolve(dir)) || '.',
    description: 'platform-delivery: self-mutating pipeline that rolls serverless patterns out wave by wave',
  });
  // Also reaches the keys CDK Pipelines makes in its cross-Region support stacks.
  Aspects.of(app).add(new DenyNonServiceGrants());
  addGuards(app);
  return { app, ok: true, errors: [] };
}

if (require.main === module) {
  const { app, ok, errors } = buildApp();
  if (!ok) {
    console.error(`${errors.length} configuration error${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    process.exit(1);
  }
  const assembly = app.synth();
  const breaches = checkAssembly(assembly);
  if (breaches.length > 0) {
    console.error(`The synthesized pipeline breaches a quota:\n${breaches.map((b) => `  ${b}`).join('\n')}`);
    process.exit(1);
  }
}
