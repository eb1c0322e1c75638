import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import type { SnsFifoJobsParameters } from './parameters';
import { SnsFifoJobsStack } from './sns-fifo-jobs';

export class SnsFifoJobsStage extends Stage {
  readonly stack: SnsFifoJobsStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<SnsFifoJobsParameters>) {
    super(scope, id, props);
    this.stack = new SnsFifoJobsStack(this, 'SnsFifoJobs', { stackName: 'pattern-sns-fifo-jobs', parameters: props.parameters });
  }
}
