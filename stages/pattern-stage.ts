import { Stage, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps, WorkloadPattern } from './types';

export interface PatternStageOptions<P> extends PatternStageProps<P> {
  readonly pattern: WorkloadPattern;
  /** The CloudFormation stack name in the target account and Region. */
  readonly stackName: string;
}

/** One workload pattern in one account and Region (delivery mode `stages`): the pattern's stack, in a Stage of its own. */
export class PatternStage<P = unknown> extends Stage {
  readonly stack: Stack;
  constructor(scope: Construct, id: string, props: PatternStageOptions<P>) {
    super(scope, id, { env: props.env });
    this.stack = props.pattern.createStack(this, props.pattern.stackId, { parameters: props.parameters, stackName: props.stackName });
  }
}
