/**
 * Quotas checked on what synth actually produced: resources per stack, the pipeline template's
 * size and the real CodePipeline shape. The planner predicts them; this is the last word.
 */
import * as fs from 'node:fs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { QUOTAS } from './quotas';

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

export function checkAssembly(assembly: CloudAssembly): string[] {
  const facts = assemblyFacts(assembly);
  const out: string[] = [];
  for (const s of facts.stacks) {
    if (s.resources > QUOTAS.resourcesPerStack) out.push(`stack ${s.name} has ${s.resources} resources, CloudFormation allows ${QUOTAS.resourcesPerStack}: split the pattern into more stacks`);
  }
  if (facts.pipeline) {
    const p = facts.pipeline;
    const total = p.stages.reduce((n, s) => n + s.actions, 0);
    if (p.templateBytes > QUOTAS.pipelineTemplateBytes) out.push(`the pipeline template is ${p.templateBytes} bytes, CloudFormation allows ${QUOTAS.pipelineTemplateBytes}: split the organization across two pipelines`);
    if (p.stages.length > QUOTAS.stagesPerPipeline) out.push(`the pipeline has ${p.stages.length} stages, CodePipeline allows ${QUOTAS.stagesPerPipeline}: merge small waves`);
    if (total > QUOTAS.actionsPerPipeline) out.push(`the pipeline has ${total} actions, CodePipeline allows ${QUOTAS.actionsPerPipeline}: split the organization across two pipelines`);
    for (const s of p.stages) {
      if (s.actions > QUOTAS.actionsPerStage) out.push(`pipeline stage ${s.name} has ${s.actions} actions, CodePipeline allows ${QUOTAS.actionsPerStage}: split that wave`);
    }
  }
  return out;
}
