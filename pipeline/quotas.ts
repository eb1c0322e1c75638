/**
 * The CodePipeline that CDK Pipelines builds for a plan:
 *  Source (1 action) → Build (synth, 1) → UpdatePipeline (self-mutation, 1)
 *  → Assets (one publish action per distinct asset, at most 50 per stage)
 *  → one stage per wave, or several when a wave holds more than one stage's actions (named after
 *  its CDK Stage when it has only one): one Deploy action per stack, plus the approval when asked.
 * The limits themselves are `quotas` in organization.yaml (AWS's defaults unless raised).
 */
export const FIXED_STAGES = [
  { name: 'Source', actions: 1 },
  { name: 'Build', actions: 1 },
  { name: 'UpdatePipeline', actions: 1 },
] as const;
/**
 * The pipeline deploys each stack in one CloudFormation action (CDK Pipelines `useChangeSets:
 * false`), not a Prepare and an Execute action: the StackSet hosts are O(waves × patterns), and at
 * two actions each every workload pattern in three waves would pass 100 actions (P3).
 */
export const ACTIONS_PER_STACK = 1;
/** A wave's approval: the change summary the approver reads (CodeBuild), then the approval itself. */
export const APPROVAL_ACTIONS = 2;
/**
 * Asset publishing: one CodeBuild action per asset type (the pipeline sets publishAssetsInParallel
 * false), so the Assets stage stays one action however many patterns and functions there are.
 * Every asset of this project is a file asset (no Docker images).
 */
export const ASSET_PUBLISHING_ACTIONS = 1;

/**
 * Bytes of pipeline template, measured on synthesized pipelines with one asset-publishing action.
 * The base holds the pipeline's own operations (bake gate, drift detection, delivery dashboard);
 * each action adds its declaration and, through its deployment, a drift detection target and the
 * role ARNs that reach it; an approval adds its change summary project. The sample's 25 actions:
 * 129,967 bytes. The publishing commands live in a buildspec file, so asset destinations do not
 * add to the template. test/pipeline.test.ts checks the estimate against the real template.
 */
export const TEMPLATE_BYTES = { base: 84_000, perAction: 1_450 } as const;
