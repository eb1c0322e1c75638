/** CodePipeline and CloudFormation limits that a plan must stay within. */
export const QUOTAS = {
  stagesPerPipeline: 50,
  actionsPerStage: 50,
  actionsPerPipeline: 500,
  pipelineTemplateBytes: 1_000_000,
  resourcesPerStack: 500,
} as const;

/**
 * The CodePipeline that CDK Pipelines builds for a plan:
 *  Source (1 action) → Build (synth, 1) → UpdatePipeline (self-mutation, 1)
 *  → Assets (one publish action per distinct asset, at most 50 per stage)
 *  → one stage per wave (named after its CDK Stage when it has only one): Prepare + Deploy per
 *  stack, plus the approval when asked.
 */
export const FIXED_STAGES = [
  { name: 'Source', actions: 1 },
  { name: 'Build', actions: 1 },
  { name: 'UpdatePipeline', actions: 1 },
] as const;
export const ACTIONS_PER_STACK = 2;

/**
 * Bytes of pipeline template: measured on synthesized pipelines (see test/pipeline.test.ts,
 * which checks the estimate against the real template).
 */
export const TEMPLATE_BYTES = { base: 40_000, perAction: 1_900 } as const;
