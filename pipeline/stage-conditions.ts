/**
 * CodePipeline V2 stage conditions on the pipeline CDK Pipelines generates, which does not expose
 * them: a wave's entry gate (deployment window, the previous wave's bake) and rollback on failure.
 * stageConditions() is pure (plan → the CloudFormation of each stage's conditions); the one escape
 * hatch, applyStageConditions(), writes them onto the generated AWS::CodePipeline::Pipeline.
 */
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import type { CfnPipeline } from 'aws-cdk-lib/aws-codepipeline';
import type { Plan } from './planner';
import { bakeGateParameters } from './wave-gates';

export type ExecutionMode = 'SUPERSEDED' | 'QUEUED';

interface RuleDeclaration {
  readonly Name: string;
  readonly RuleTypeId: { readonly Category: 'Rule'; readonly Owner: 'AWS'; readonly Provider: string; readonly Version: '1' };
  readonly Configuration: Record<string, string>;
}

export interface StageConditions {
  readonly BeforeEntry?: { readonly Conditions: ReadonlyArray<{ readonly Result: 'FAIL'; readonly Rules: readonly RuleDeclaration[] }> };
  readonly OnFailure: { readonly Result: 'ROLLBACK' };
}

const rule = (name: string, provider: string, configuration: Record<string, string>): RuleDeclaration => ({
  Name: name,
  RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: provider, Version: '1' },
  Configuration: configuration,
});

/**
 * Every wave stage rolls back when it fails. The first pipeline stage of a wave with a gate may be
 * entered only when its rules pass: the previous wave's bake (a LambdaInvoke rule on the bake gate
 * function, because the CloudWatchAlarm rule reads alarms of the pipeline's own account only) and
 * its DeploymentWindow. A failed entry fails the execution; the next one tries again.
 */
export function stageConditions(plan: Plan, bakeGateFunctionName: string | undefined): Map<string, StageConditions> {
  const out = new Map<string, StageConditions>();
  plan.waves.forEach((wave, w) => {
    wave.parts.forEach((part, p) => {
      const rules: RuleDeclaration[] = [];
      if (p === 0 && wave.gate.bake) {
        if (!bakeGateFunctionName) throw new Error(`wave ${wave.name} bakes, but the pipeline has no bake gate function`);
        const previousStages = plan.waves[w - 1].parts.map((x) => x.name);
        rules.push(
          rule(`Bake-${wave.gate.bake.previousWave}`, 'LambdaInvoke', { FunctionName: bakeGateFunctionName, UserParameters: JSON.stringify(bakeGateParameters(wave.gate.bake, previousStages)) }),
        );
      }
      if (p === 0 && wave.gate.window) rules.push(rule('DeploymentWindow', 'DeploymentWindow', { Cron: wave.gate.window.cron, TimeZone: wave.gate.window.timeZone }));
      out.set(part.name, { ...(rules.length ? { BeforeEntry: { Conditions: [{ Result: 'FAIL', Rules: rules }] } } : {}), OnFailure: { Result: 'ROLLBACK' } });
    });
  });
  return out;
}

/** The escape hatch: the conditions onto the generated pipeline's stages (found by name), and an execution mode that allows rollback. */
export function applyStageConditions(pipeline: codepipeline.Pipeline, conditions: ReadonlyMap<string, StageConditions>, executionMode: ExecutionMode): void {
  const cfn = pipeline.node.defaultChild as CfnPipeline;
  cfn.addPropertyOverride('ExecutionMode', executionMode);
  const names = pipeline.stages.map((s) => s.stageName);
  for (const [stage, c] of conditions) {
    const index = names.indexOf(stage);
    if (index < 0) throw new Error(`the pipeline has no stage "${stage}" to put conditions on (it has ${names.join(', ')})`);
    if (c.BeforeEntry) cfn.addPropertyOverride(`Stages.${index}.BeforeEntry`, c.BeforeEntry);
    cfn.addPropertyOverride(`Stages.${index}.OnFailure`, c.OnFailure);
  }
}
