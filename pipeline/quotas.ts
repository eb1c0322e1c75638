/**
 * The CodePipeline that CDK Pipelines builds for a plan:
 *  Source (1 action) → Build (synth, 1) → UpdatePipeline (self-mutation, 1)
 *  → Assets (one publish action per distinct asset, at most 50 per stage)
 *  → one stage per wave, or several when a wave holds more than one stage's actions (named after
 *  its CDK Stage when it has only one): Prepare + Deploy per stack, plus the approval when asked.
 * The limits themselves are `quotas` in organization.yaml (AWS's defaults unless raised).
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
export const TEMPLATE_BYTES = { base: 40_000, perAction: 1_900, perAssetDestination: 320 } as const;
