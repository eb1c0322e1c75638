import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface DataTableProps {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly key: kms.IKey;
}

/** An on-demand table with string keys, encrypted with the pattern's key, PITR on, kept on delete. */
export function dataTable(scope: Construct, id: string, props: DataTableProps): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, id, {
    partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: props.sortKey ? { name: props.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
    billing: dynamodb.Billing.onDemand(),
    encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
