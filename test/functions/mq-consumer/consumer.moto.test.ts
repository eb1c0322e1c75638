/**
 * The consumer's writes against a local moto server: the conditional put really refuses a second
 * copy, the FIFO rejected queue really keeps one copy of a rejection sent twice, SQS really refuses
 * a batch over 1 MiB and a message over the queue's maximum, and S3 really holds the claim checks.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { mqEvent, mqMessage } from '../../fixtures/aws-events';

let moto: MotoServer;
let handler: typeof import('../../../functions/mq-consumer/consumer').handler;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;
let s3: S3Client;

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
  // 256 KiB: the smallest maximum a queue may have had; SQS refuses bigger messages on it.
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'rejected.fifo', Attributes: { FifoQueue: 'true', MaximumMessageSize: '262144' } }))).QueueUrl!;
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'rejected-payloads' }));
  process.env.REJECTED_BUCKET = 'rejected-payloads';
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

async function receiveAll(): Promise<Array<Record<string, any>>> {
  const bodies: Array<Record<string, any>> = [];
  for (let round = 0; round < 5; round++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }));
    if (!got.Messages?.length) break;
    bodies.push(...got.Messages.map((m) => JSON.parse(m.Body!)));
  }
  return bodies;
}

it('sets aside six malformed 140 KiB messages (1.1 MiB, over one batch call) and a 400 KiB one (over a message) without losing any', async () => {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  const notUtf8 = (n: number) => mqMessage(500 + n, 'x', { data: Buffer.concat([Buffer.alloc(140 * 1024, 65 + n), Buffer.from([0xc3, 0x28])]).toString('base64') });
  const huge = mqMessage(600, 'x', { data: Buffer.alloc(400 * 1024, 66).toString('base64') });
  const event = mqEvent(...Array.from({ length: 6 }, (_, n) => notUtf8(n)), huge, mqMessage(601, 'fine'));

  await expect(handler(event)).resolves.toEqual({ received: 8, stored: 1, duplicates: 0, rejected: 7 });
  // A redelivery writes the same objects and the same deduplicated messages.
  await expect(handler(event)).resolves.toEqual({ received: 8, stored: 0, duplicates: 1, rejected: 7 });

  const bodies = await receiveAll();
  expect(bodies).toHaveLength(7);
  expect(bodies.filter((b) => b.reason === 'text message body is not valid UTF-8')).toHaveLength(6);
  const pointer = bodies.find((b) => b.claimCheck)!;
  expect(pointer).toMatchObject({
    reason: expect.stringMatching(/exceeds the 358400 bytes/),
    messageId: expect.stringMatching(/:600$/),
    claimCheck: { bucket: 'rejected-payloads', key: expect.stringMatching(/^rejected\//) },
  });
  const objects = (await s3.send(new ListObjectsV2Command({ Bucket: 'rejected-payloads' }))).Contents ?? [];
  expect(objects.map((o) => o.Key)).toEqual([pointer.claimCheck.key]);
  const stored = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: 'rejected-payloads', Key: pointer.claimCheck.key }))).Body!.transformToString());
  expect(stored.message.data).toBe(huge.data);
  expect(Buffer.byteLength(JSON.stringify(stored))).toBe(pointer.claimCheck.bytes);
});
