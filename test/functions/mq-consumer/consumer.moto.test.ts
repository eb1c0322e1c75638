/**
 * The consumer's writes against a local moto server: the conditional put really refuses a second
 * copy, and the FIFO rejected queue really keeps one copy of a rejection sent twice.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { mqEvent, mqMessage } from '../../fixtures/aws-events';

let moto: MotoServer;
let handler: typeof import('../../../functions/mq-consumer/consumer').handler;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  ddb = new DynamoDBClient(moto.clientConfig);
  sqs = new SQSClient(moto.clientConfig);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'messages',
      AttributeDefinitions: [{ AttributeName: 'messageId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'messageId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'rejected.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
  process.env.TABLE_NAME = 'messages';
  process.env.REJECTED_QUEUE_URL = queueUrl;
  process.env.RETAIN_DAYS = '30';
  // Imported after the endpoint is set: the handler builds its clients at import time.
  ({ handler } = await import('../../../functions/mq-consumer/consumer'));
});

afterAll(async () => {
  await moto?.stop();
});

it('stores a batch once, even when the broker delivers it again, and keeps one copy of each rejection', async () => {
  const good = Array.from({ length: 100 }, (_, i) => mqMessage(i, `reading ${i}`));
  const event = mqEvent(...good.slice(0, 60), mqMessage(999, 'x', { data: 'bad base64!' }), ...good.slice(60));

  await expect(handler(event)).resolves.toEqual({ received: 101, stored: 100, duplicates: 0, rejected: 1 });
  // Redelivery of the same batch (Lambda retry or broker redelivery): nothing new.
  await expect(handler(event)).resolves.toEqual({ received: 101, stored: 0, duplicates: 100, rejected: 1 });

  const items = (await ddb.send(new ScanCommand({ TableName: 'messages' }))).Items ?? [];
  expect(items).toHaveLength(100);
  expect(items.map((i) => i.text.S).sort()).toEqual(good.map((_, i) => `reading ${i}`).sort());
  expect(items.every((i) => i.destination.S === 'myQueue' && Number(i.expiresAt.N) > Date.now() / 1000)).toBe(true);

  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  expect(received.Messages).toHaveLength(1);
  expect(JSON.parse(received.Messages![0].Body!)).toMatchObject({ reason: 'data is not valid base64', messageId: expect.stringMatching(/:999$/) });
});
