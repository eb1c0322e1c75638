import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import type { StreamIngestionParameters } from './parameters';
import { StreamIngestionStack } from './stream-ingestion';

export class StreamIngestionStage extends Stage {
  readonly stack: StreamIngestionStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<StreamIngestionParameters>) {
    super(scope, id, props);
    this.stack = new StreamIngestionStack(this, 'StreamIngestion', { stackName: 'pattern-stream-ingestion', parameters: props.parameters });
  }
}
