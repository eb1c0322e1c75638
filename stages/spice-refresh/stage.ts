import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import type { SpiceRefreshParameters } from './parameters';
import { SpiceRefreshStack } from './spice-refresh';

export class SpiceRefreshStage extends Stage {
  readonly stack: SpiceRefreshStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<SpiceRefreshParameters>) {
    super(scope, id, props);
    this.stack = new SpiceRefreshStack(this, 'SpiceRefresh', { stackName: 'pattern-spice-refresh', parameters: props.parameters });
  }
}
