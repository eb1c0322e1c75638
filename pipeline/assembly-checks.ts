/**
 * Quotas checked on what synth actually produced: resources per stack, the pipeline template's
 * size and the real CodePipeline shape. The planner predicts them; this is the last word.
 */
import * as fs from 'node:fs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { Quotas } from '../accounts/schema';

export interface AssemblyFacts {
  readonly stacks: Array<{ name: string; resources: number; templateBytes: number }>;
  readonly pipeline?: { templateBytes: number; stages: Array<{ name: string; actions: number }> };
}

export function assemblyFacts(assembly: CloudAssembly): AssemblyFacts {
  const stacks: AssemblyFacts['stacks'] = [];
  let pipeline: AssemblyFacts['pipeline'];
  const visit = (asm: CloudAssembly) => {
    for (const stack of asm.stacks) {
      const text = fs.readFileSync(stack.templateFullPath, 'utf8');
      const template = JSON.parse(text) as { Resources?: Record<string, { Type: string; Properties?: { Stages?: Array<{ Name: string; Actions: unknown[] }> } }> };
      const resources = Object.values(template.Resources ?? {});
      stacks.push({ name: stack.hierarchicalId, resources: resources.length, templateBytes: Buffer.byteLength(text) });
      const cp = resources.find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
      if (cp?.Properties?.Stages) {
        pipeline = { templateBytes: Buffer.byteLength(text), stages: cp.Properties.Stages.map((s) => ({ name: s.Name, actions: s.Actions.length })) };
      }
    }
    for (const nested of asm.nestedAssemblies) visit(nested.nestedAssembly);
  };
  visit(assembly);
  return { stacks, pipeline };
}

/**
 * The last word, after synth. The plan was checked on the measured stages before the pipeline was
 * built; what only the synthesized result knows is the pipeline template's real size, so this
 * repeats the checks on the real files.
 */
export function checkAssembly(assembly: CloudAssembly, quotas: Quotas): string[] {
  const facts = assemblyFacts(assembly);
  const out: string[] = [];
  const fix = 'move the largest waves of CDK Stages to StackSets (npm run plan names them)';
  for (const s of facts.stacks) {
    if (s.resources > quotas.resourcesPerStack)
      out.push(`stack ${s.name} has ${s.resources} resources, CloudFormation allows ${quotas.resourcesPerStack}: reduce what the pattern's parameters create`);
  }
  if (facts.pipeline) {
    const p = facts.pipeline;
    const total = p.stages.reduce((n, s) => n + s.actions, 0);
    if (p.templateBytes > quotas.templateBytes) out.push(`the pipeline template is ${p.templateBytes} bytes, CloudFormation allows ${quotas.templateBytes}: ${fix}`);
    if (p.stages.length > quotas.stagesPerPipeline) out.push(`the pipeline has ${p.stages.length} stages, CodePipeline allows ${quotas.stagesPerPipeline}: ${fix}`);
    if (total > quotas.actionsPerPipeline) out.push(`the pipeline has ${total} actions, CodePipeline allows ${quotas.actionsPerPipeline}: ${fix}`);
    for (const s of p.stages) {
      if (s.actions > quotas.actionsPerStage)
        out.push(`pipeline stage ${s.name} has ${s.actions} actions, CodePipeline allows ${quotas.actionsPerStage}: this is a defect of the planner's wave splitting; please report it`);
    }
  }
  return out;
}
