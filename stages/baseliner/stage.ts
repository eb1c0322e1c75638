import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import { BaselinerStack } from './baseliner';
import type { BaselinerParameters } from './parameters';

export class BaselinerStage extends Stage {
  readonly stack: BaselinerStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<BaselinerParameters>) {
    super(scope, id, props);
    this.stack = new BaselinerStack(this, 'Baseliner', { stackName: 'platform-baseliner', parameters: props.parameters, organization: props.organization });
  }
}
