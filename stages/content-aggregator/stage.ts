import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import { ContentAggregatorStack } from './content-aggregator';
import type { ContentAggregatorParameters } from './parameters';

export class ContentAggregatorStage extends Stage {
  readonly stack: ContentAggregatorStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<ContentAggregatorParameters>) {
    super(scope, id, props);
    this.stack = new ContentAggregatorStack(this, 'ContentAggregator', { stackName: 'pattern-content-aggregator', parameters: props.parameters });
  }
}
