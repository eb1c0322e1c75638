/**
 * The baseliner's tracking table against a local moto server, where the document client really
 * marshals and DynamoDB really answers: items with optional fields left out, the selection record
 * beside the products, BatchGet over more than 100 accounts, and an old execution that must not
 * end a newer attempt's selection.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Tracking } from '../../../functions/baseliner/shared/tracking';
import { startMoto, type MotoServer } from '../../support/moto';

let moto: MotoServer;
let tracking: Tracking;

beforeAll(async () => {
  moto = await startMoto();
  const ddb = new DynamoDBClient(moto.clientConfig);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'tracking',
      AttributeDefinitions: [
        { AttributeName: 'accountId', AttributeType: 'S' },
        { AttributeName: 'provisionName', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'accountId', KeyType: 'HASH' },
        { AttributeName: 'provisionName', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  tracking = new Tracking(DynamoDBDocumentClient.from(ddb), 'tracking');
});

afterAll(async () => {
  await moto?.stop();
});

const now = '2026-12-02T10:00:00.000Z';

it('writes a product without its optional fields (no version pinned, no record yet), and reads it back', async () => {
  await tracking.put({
    accountId: '444444444444',
    provisionName: 'a',
    product: 'prod-a',
    version: undefined,
    portfolio: 'platform-baseline',
    regions: ['us-east-1'],
    action: 'deploy',
    status: 'failed',
    executionName: 'baseline-444444444444-k-1',
    reason: 'product "prod-a" is not in Service Catalog',
    startedAt: now,
    updatedAt: now,
  });
  await tracking.update('444444444444', 'a', { status: 'done', fingerprint: 'f1', recordId: undefined, updatedAt: now });
  expect(await tracking.get('444444444444', 'a')).toMatchObject({ status: 'done', fingerprint: 'f1', reason: 'product "prod-a" is not in Service Catalog' });
});

it('keeps the selection record beside the products, out of the product list', async () => {
  await tracking.putSelection({
    accountId: '444444444444',
    selectionKey: 'k',
    attempt: 1,
    status: 'running',
    executionName: 'baseline-444444444444-k-1',
    ouPath: 'Workloads/Dev',
    source: 'CreateManagedAccount',
    products: ['a'],
    updatedAt: now,
  });
  expect((await tracking.forAccount('444444444444')).map((i) => i.provisionName)).toEqual(['a']);
  expect(await tracking.selection('444444444444')).toMatchObject({ selectionKey: 'k', attempt: 1, status: 'running' });
});

it('ends a selection for its own execution only: an old attempt never overwrites a newer one', async () => {
  await tracking.putSelection({
    accountId: '666666666666',
    selectionKey: 'k',
    attempt: 2,
    status: 'running',
    executionName: 'baseline-666666666666-k-2',
    ouPath: 'Workloads/Prod',
    source: 'MoveAccount',
    products: ['a'],
    updatedAt: now,
  });
  await tracking.endSelection('666666666666', 'baseline-666666666666-k-1', 'failed', now);
  expect((await tracking.selection('666666666666'))!.status).toBe('running');
  await tracking.endSelection('666666666666', 'baseline-666666666666-k-2', 'done', now, 'PARTIAL');
  expect(await tracking.selection('666666666666')).toMatchObject({ status: 'done', enrollment: 'PARTIAL' });
  // An update-file execution owns no selection record: ending it creates none.
  await tracking.endSelection('999999999999', 'update-999999999999-f', 'done', now);
  expect(await tracking.selection('999999999999')).toBeUndefined();
});

it('batch-gets the selection records of 250 accounts, 100 keys a call, missing ones simply absent', async () => {
  const ids = Array.from({ length: 250 }, (_, i) => String(300000000000 + i));
  for (const accountId of ids.filter((_, i) => i % 2 === 0)) {
    await tracking.putSelection({
      accountId,
      selectionKey: `k${accountId}`,
      attempt: 1,
      status: 'done',
      executionName: `baseline-${accountId}-k-1`,
      ouPath: 'Workloads/Dev',
      source: 'reconcile',
      products: [],
      updatedAt: now,
    });
  }
  const records = await tracking.selections(ids, async () => undefined);
  expect(records.size).toBe(125);
  expect(records.get('300000000000')).toMatchObject({ selectionKey: 'k300000000000', status: 'done' });
  expect(records.has('300000000001')).toBe(false);
});
