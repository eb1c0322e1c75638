/**
 * The tracking table: one item per (account, provision name), keyed accountId / provisionName and
 * always read by key or by Query on the account, never scanned. Product statistics (how long a
 * product takes to provision) live beside them under `product#<name>` / `stats`.
 */
import { GetCommand, paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { updateEstimate, type DurationEstimate } from './selection';

export type TrackingStatus = 'in-progress' | 'done' | 'failed' | 'skipped';

export interface TrackingItem {
  readonly accountId: string;
  readonly provisionName: string;
  readonly product: string;
  readonly version?: string;
  readonly regions: readonly string[];
  readonly action: 'deploy' | 'update';
  readonly status: TrackingStatus;
  readonly executionName: string;
  readonly recordId?: string;
  readonly reason?: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export class Tracking {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(item: TrackingItem): Promise<void> {
    await this.ddb.send(new PutCommand({ TableName: this.table, Item: { ...item } }));
  }

  async update(accountId: string, provisionName: string, changes: Partial<Pick<TrackingItem, 'status' | 'recordId' | 'reason'>> & { updatedAt: string }): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { accountId, provisionName },
        UpdateExpression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
      }),
    );
  }

  async get(accountId: string, provisionName: string): Promise<TrackingItem | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { accountId, provisionName } }));
    return out.Item as TrackingItem | undefined;
  }

  /** Every product of one account: a Query on the partition key. */
  async forAccount(accountId: string): Promise<TrackingItem[]> {
    const items: TrackingItem[] = [];
    for await (const page of paginateQuery({ client: this.ddb }, { TableName: this.table, KeyConditionExpression: 'accountId = :a', ExpressionAttributeValues: { ':a': accountId } })) {
      items.push(...((page.Items ?? []) as TrackingItem[]));
    }
    return items;
  }

  /** How long the product usually takes to provision, if it has been provisioned before. */
  async estimate(product: string): Promise<DurationEstimate | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { accountId: `product#${product}`, provisionName: 'stats' } }));
    const item = out.Item as Partial<DurationEstimate> | undefined;
    return typeof item?.meanSeconds === 'number' && typeof item.deviationSeconds === 'number' ? { meanSeconds: item.meanSeconds, deviationSeconds: item.deviationSeconds } : undefined;
  }

  async recordDuration(product: string, seconds: number): Promise<void> {
    const next = updateEstimate(await this.estimate(product), seconds);
    await this.ddb.send(new PutCommand({ TableName: this.table, Item: { accountId: `product#${product}`, provisionName: 'stats', ...next, lastSeconds: seconds } }));
  }
}
