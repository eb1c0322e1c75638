/**
 * The tracking table: one item per (account, provision name), keyed accountId / provisionName and
 * always read by key, by BatchGet or by Query on the account, never scanned. Beside the products:
 * each account's last selection under `#selection` (what was chosen, which attempt, how it ended),
 * and product statistics (how long a product takes to provision) under `product#<name>` / `stats`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ProductAction } from '../../../accounts/baseline-selection';
import { updateEstimate, type DurationEstimate, type SelectionRecord } from './selection';

export type TrackingStatus = 'in-progress' | 'done' | 'failed' | 'skipped' | 'terminated';

/** The sort key of an account's selection record; provision names cannot start with "#". */
export const SELECTION_KEY = '#selection';
/** BatchGetItem takes at most 100 keys; unprocessed keys are asked for again this many times. */
const BATCH_GET_ROUNDS = 6;

export interface SelectionItem extends SelectionRecord {
  readonly accountId: string;
  readonly ouPath: string;
  readonly source: string;
  readonly products: readonly string[];
  readonly updatedAt: string;
  /** Control Tower's enrollment, as the gate found it (e.g. PARTIAL: enrolled, optional controls missing). */
  readonly enrollment?: string;
}

export interface TrackingItem {
  readonly accountId: string;
  readonly provisionName: string;
  readonly product: string;
  readonly version?: string;
  readonly regions: readonly string[];
  readonly portfolio?: string;
  readonly action: ProductAction;
  readonly status: TrackingStatus;
  /** productFingerprint of what was provisioned: the same selection later is left alone. */
  readonly fingerprint?: string;
  readonly terminateOnLeave?: boolean;
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

  async update(accountId: string, provisionName: string, changes: Partial<Pick<TrackingItem, 'status' | 'recordId' | 'reason' | 'fingerprint'>> & { updatedAt: string }): Promise<void> {
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

  /** Every product of one account: a Query on the partition key (the selection record left out). */
  async forAccount(accountId: string): Promise<TrackingItem[]> {
    const items: TrackingItem[] = [];
    for await (const page of paginateQuery({ client: this.ddb }, { TableName: this.table, KeyConditionExpression: 'accountId = :a', ExpressionAttributeValues: { ':a': accountId } })) {
      items.push(...((page.Items ?? []) as TrackingItem[]).filter((i) => i.provisionName !== SELECTION_KEY));
    }
    return items;
  }

  async selection(accountId: string): Promise<SelectionItem | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { accountId, provisionName: SELECTION_KEY } }));
    return out.Item as SelectionItem | undefined;
  }

  async putSelection(item: SelectionItem): Promise<void> {
    await this.ddb.send(new PutCommand({ TableName: this.table, Item: { ...item, provisionName: SELECTION_KEY } }));
  }

  /** Ends a selection's attempt: done or failed (the next trigger then starts the next attempt). */
  async endSelection(accountId: string, executionName: string, status: 'done' | 'failed', updatedAt: string, enrollment?: string): Promise<void> {
    // Only the execution the record names may end it: a newer attempt may own it already, and an
    // update-file execution owns none. One conditional write, so no read can go stale before it.
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId, provisionName: SELECTION_KEY },
          UpdateExpression: `SET #status = :status, #updatedAt = :updatedAt${enrollment ? ', #enrollment = :enrollment' : ''}`,
          ConditionExpression: '#executionName = :executionName',
          ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt', '#executionName': 'executionName', ...(enrollment ? { '#enrollment': 'enrollment' } : {}) },
          ExpressionAttributeValues: { ':status': status, ':updatedAt': updatedAt, ':executionName': executionName, ...(enrollment ? { ':enrollment': enrollment } : {}) },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** The selection records of many accounts: BatchGetItem, 100 keys a call, unprocessed keys retried (bounded). */
  async selections(accountIds: readonly string[], pause: (ms: number) => Promise<void>): Promise<Map<string, SelectionItem>> {
    const out = new Map<string, SelectionItem>();
    for (let i = 0; i < accountIds.length; i += 100) {
      let keys: Array<Record<string, unknown>> = accountIds.slice(i, i + 100).map((accountId) => ({ accountId, provisionName: SELECTION_KEY }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= BATCH_GET_ROUNDS) throw new Error(`DynamoDB left ${keys.length} selection records unprocessed after ${BATCH_GET_ROUNDS} rounds`);
        if (round > 0) await pause(100 * 2 ** round);
        const res = await this.ddb.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        for (const item of (res.Responses?.[this.table] ?? []) as SelectionItem[]) out.set(item.accountId, item);
        keys = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return out;
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
