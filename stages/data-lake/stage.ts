import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import { DataLakeStack } from './data-lake';
import type { DataLakeParameters } from './parameters';

export class DataLakeStage extends Stage {
  readonly stack: DataLakeStack;
  constructor(scope: Construct, id: string, props: PatternStageProps<DataLakeParameters>) {
    super(scope, id, props);
    this.stack = new DataLakeStack(this, 'DataLake', { stackName: 'pattern-data-lake', parameters: props.parameters });
  }
}
