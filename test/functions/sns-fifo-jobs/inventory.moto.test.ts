/**
 * The inventory's conditional writes against a local moto server, where DynamoDB evaluates the
 * conditions: events apply in time order even when their timestamps are written with different
 * precision, and an older event never overwrites a newer state.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { jobEventBody, sqsEvent, sqsFifoRecord } from '../../fixtures/aws-events';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

let moto: MotoServer;
let handler: typeof import('../../../functions/sns-fifo-jobs/inventory').handler;
let ddb: DynamoDBClient;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  ddb = new DynamoDBClient(moto.clientConfig);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'jobs',
      AttributeDefinitions: [{ AttributeName: 'jobId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  process.env.TABLE_NAME = 'jobs';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // Imported after the endpoint is set: the handler builds its clients at import time.
  ({ handler } = await import('../../../functions/sns-fifo-jobs/inventory'));
});

afterAll(async () => {
  await moto?.stop();
});

const statusOf = async (jobId: string) => (await ddb.send(new GetItemCommand({ TableName: 'jobs', Key: { jobId: { S: jobId } } }))).Item?.status?.S;

it('applies JobDeleted at 10:00:00.500Z after JobCreated at 10:00:00Z: instants, not strings, are compared', async () => {
  const created = sqsFifoRecord(jobEventBody('job-p', 'JobCreated', '2026-11-29T10:00:00Z'), 'job-p');
  const deleted = sqsFifoRecord(jobEventBody('job-p', 'JobDeleted', '2026-11-29T10:00:00.500Z'), 'job-p');
  await expect(handler(sqsEvent(created))).resolves.toEqual({ batchItemFailures: [] });
  await expect(handler(sqsEvent(deleted))).resolves.toEqual({ batchItemFailures: [] });
  expect(await statusOf('job-p')).toBe('DELETED');
});

it('ignores an older event delivered late, whatever its precision', async () => {
  const deleted = sqsFifoRecord(jobEventBody('job-q', 'JobDeleted', '2026-11-29T11:00:01.000Z'), 'job-q');
  const created = sqsFifoRecord(jobEventBody('job-q', 'JobCreated', '2026-11-29T11:00:00.999999Z'), 'job-q');
  await handler(sqsEvent(sqsFifoRecord(jobEventBody('job-q', 'JobCreated', '2026-11-29T10:59:00Z'), 'job-q')));
  await handler(sqsEvent(deleted));
  // Superseded: treated as done (not failed), and the item stays DELETED.
  await expect(handler(sqsEvent(created))).resolves.toEqual({ batchItemFailures: [] });
  expect(await statusOf('job-q')).toBe('DELETED');
});
