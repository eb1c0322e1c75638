import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface DataTableProps {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly key: kms.IKey;
  /** Attribute holding an epoch-seconds expiry, for tables whose items age out. */
  readonly timeToLiveAttribute?: string;
}

/**
 * An on-demand table with string keys, encrypted with the pattern's key, PITR on, kept on delete.
 * AWS::DynamoDB::Table rather than TableV2: a customer-managed key on TableV2 needs a stack with a
 * concrete Region, and the catalog's product stacks have none.
 */
export function dataTable(scope: Construct, id: string, props: DataTableProps): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: props.sortKey ? { name: props.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: props.key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    timeToLiveAttribute: props.timeToLiveAttribute,
  });
}
