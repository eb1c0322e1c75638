import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import { MqConsumerStack } from './mq-consumer';
import type { MqConsumerParameters } from './parameters';

export class MqConsumerStage extends Stage {
  readonly stack: MqConsumerStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<MqConsumerParameters>) {
    super(scope, id, props);
    this.stack = new MqConsumerStack(this, 'MqConsumer', { stackName: 'pattern-mq-consumer', parameters: props.parameters });
  }
}
