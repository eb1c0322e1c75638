/**
 * Measures resources per stack for a plan by synthesizing one copy of each distinct
 * (pattern, parameters, Region) with bundling skipped and no guards: a second or two, no AWS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OrganizationContext, Registry } from '../stages/types';
import type { PlannedWave } from './planner';
import { assemblyFacts } from './assembly-checks';
import { newApp } from './app-context';

export function measureResourcesPerStack(waves: readonly PlannedWave[], registry: Registry, organization: OrganizationContext): Map<string, number> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-resources-'));
  try {
    const app = newApp({ 'aws:cdk:bundling-stacks': [] }, outdir);
    const seen = new Map<string, string>(); // distinct key → pattern
    for (const stage of waves.flatMap((w) => w.stages)) {
      const key = `${stage.pattern}|${stage.region}|${JSON.stringify(stage.parameters)}`;
      if (seen.has(key)) continue;
      const id = `measure-${seen.size}`;
      seen.set(key, stage.pattern);
      registry.patterns.get(stage.pattern)!.createStage(app, id, {
        env: { account: stage.accountId, region: stage.region },
        target: { accountName: stage.accountName, accountId: stage.accountId, region: stage.region },
        parameters: stage.parameters,
        organization,
      });
    }
    const facts = assemblyFacts(app.synth());
    const out = new Map<string, number>();
    for (const s of facts.stacks) {
      const index = Number(/^measure-(\d+)\//.exec(s.name)?.[1]);
      const pattern = [...seen.values()][index];
      if (pattern) out.set(pattern, Math.max(out.get(pattern) ?? 0, s.resources));
    }
    return out;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
