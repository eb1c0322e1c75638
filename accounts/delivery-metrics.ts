/**
 * The delivery system's own CloudWatch metrics: one namespace, one name per figure, and the
 * Powertools `service` dimension each is emitted under. The emitters (the synth step, the baseliner,
 * drift detection) and the dashboard and alarms that read them all take the names from here.
 */
export const DELIVERY_NAMESPACE = 'PlatformDelivery';

export const DELIVERY_METRICS = {
  /** Seconds the pipeline's synth step spent in `cdk synth` (service: synth). */
  synthSeconds: { service: 'synth', name: 'SynthSeconds' },
  /** Actions of the pipeline, and CodePipeline's quota for them (service: synth). */
  pipelineActions: { service: 'synth', name: 'PipelineActions' },
  pipelineActionsQuota: { service: 'synth', name: 'PipelineActionsQuota' },
  /** Stages of the pipeline, and the quota (service: synth). */
  pipelineStages: { service: 'synth', name: 'PipelineStages' },
  pipelineStagesQuota: { service: 'synth', name: 'PipelineStagesQuota' },
  /** Minutes from the account's arrival (its baseline execution starting on Control Tower's event) to fully baselined (service: baseliner). */
  vendingToBaselined: { service: 'baseliner', name: 'VendingToBaselinedMinutes' },
  /** Products that failed or did not finish in one account's baseline (service: baseliner). */
  baselineFailures: { service: 'baseliner', name: 'BaselineFailures' },
  /** Stacks and StackSets found drifted, and those that could not be checked (service: drift-detection). */
  driftedStacks: { service: 'drift-detection', name: 'DriftedStacks' },
  driftUnchecked: { service: 'drift-detection', name: 'DriftUnchecked' },
} as const;
