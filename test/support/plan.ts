import { loadConfigOrThrow } from '../../accounts/loader';
import { planWithStandIns } from '../../pipeline/deployment-stages';
import { planDeployments, type Plan, type PlanResult } from '../../pipeline/planner';
import { REGISTRY } from '../../pipeline/registry';
import type { Registry } from '../../stages/types';

/** The plan of a config dir as `npm run plan` makes it: shapes measured on stand-in stages. */
export function planResult(dir: string, registry: Registry = REGISTRY): PlanResult {
  const config = loadConfigOrThrow(dir);
  return planWithStandIns(config, registry);
}

export function planOf(dir: string, registry: Registry = REGISTRY): Plan {
  const result = planResult(dir, registry);
  if (!result.plan) throw new Error(result.issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`).join('\n'));
  return result.plan;
}

/** The deployments of a config dir, with no shapes (config-level issues only). */
export function draftOf(dir: string, registry: Registry = REGISTRY) {
  return planDeployments(loadConfigOrThrow(dir), registry);
}
