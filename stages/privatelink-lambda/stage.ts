import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import type { PrivatelinkLambdaParameters } from './parameters';
import { PrivatelinkLambdaStack } from './privatelink-lambda';

export class PrivatelinkLambdaStage extends Stage {
  readonly stack: PrivatelinkLambdaStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<PrivatelinkLambdaParameters>) {
    super(scope, id, props);
    this.stack = new PrivatelinkLambdaStack(this, 'PrivatelinkLambda', { stackName: 'pattern-privatelink-lambda', parameters: props.parameters });
  }
}
