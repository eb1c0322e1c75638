import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/mq-consumer/consumer';
import { decodeMessage, MAX_BATCH_BYTES, MAX_REJECTION_BYTES, packBatches, parseMqEvent, rejection, rejectionId } from '../../../functions/mq-consumer/consumer/messages';
import { MalformedEventError } from '../../../functions/shared/malformed-event';
import { mqEvent, mqMessage } from '../../fixtures/aws-events';

describe('parseMqEvent', () => {
  it('accepts the Amazon MQ envelope', () => {
    const batch = parseMqEvent(mqEvent(mqMessage(1, 'a')));
    expect(batch.messages).toHaveLength(1);
    expect(batch.eventSourceArn).toMatch(/^arn:aws:mq:us-east-1:444444444444:broker:/);
  });

  it.each([
    ['null', null, /expected an object/],
    ['an SQS event', { Records: [] }, /eventSource is undefined/],
    ['a RabbitMQ-looking source', { eventSource: 'aws:rmq', eventSourceArn: 'arn:aws:mq:us-east-1:1:broker:x', messages: [] }, /eventSource is "aws:rmq"/],
    ['a bad ARN', { eventSource: 'aws:mq', eventSourceArn: 'arn:aws:sqs:us-east-1:1:q', messages: [] }, /not a broker ARN/],
    ['messages not a list', { ...mqEvent(), messages: {} }, /messages is not a list/],
  ])('refuses %s with a clear error', (_name, event, message) => {
    expect(() => parseMqEvent(event)).toThrow(MalformedEventError);
    expect(() => parseMqEvent(event)).toThrow(message);
  });
});

describe('decodeMessage', () => {
  it("decodes a text message's base64 data as UTF-8, with its properties", () => {
    const r = decodeMessage(mqMessage(7, '{"order":"42","note":"größe"}'));
    expect(r).toEqual({
      ok: true,
      message: expect.objectContaining({
        messageId: expect.stringMatching(/:7$/),
        destination: 'myQueue',
        messageType: 'jms/text-message',
        text: '{"order":"42","note":"größe"}',
        properties: { index: '7', doAlarm: 'false' },
        redelivered: false,
      }),
    });
  });

  it('keeps a bytes message as bytes, whatever they are', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    const r = decodeMessage(mqMessage(2, bytes, { messageType: 'jms/bytes-message' }));
    expect(r.ok && Buffer.from(r.message.bytes!).equals(bytes)).toBe(true);
    expect(r.ok && r.message.text).toBeUndefined();
  });

  it.each([
    ['no messageID', { messageID: undefined }, 'messageID is missing'],
    ['an empty messageID', { messageID: '' }, 'messageID is missing'],
    ['no destination', { destination: undefined }, 'destination.physicalName is missing'],
    ['no data', { data: undefined }, 'data is missing'],
    ['data that is not base64', { data: 'not base64!' }, 'data is not valid base64'],
    ['base64 with bad padding', { data: 'QUJD=' }, 'data is not valid base64'],
    ['a text message that is not UTF-8', { data: Buffer.from([0xc3, 0x28]).toString('base64') }, 'text message body is not valid UTF-8'],
    ['a body too large for the table', { data: Buffer.alloc(360 * 1024, 65).toString('base64') }, /exceeds the 358400 bytes/],
  ])('rejects %s with its reason', (_name, overrides, reason) => {
    const r = decodeMessage(mqMessage(3, 'x', overrides));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it('rejects a message that is not an object', () => {
    expect(decodeMessage('hello')).toEqual({ ok: false, reason: 'message is not an object', raw: 'hello' });
  });

  it('gives the same rejection the same id, and different ones different ids', () => {
    const a = decodeMessage(mqMessage(1, 'x', { data: '!!' }));
    const b = decodeMessage(mqMessage(1, 'x', { data: '!!' }));
    const c = decodeMessage(mqMessage(2, 'x', { data: '!!' }));
    if (a.ok || b.ok || c.ok) throw new Error('expected rejections');
    expect(rejectionId(a)).toBe(rejectionId(b));
    expect(rejectionId(a)).not.toBe(rejectionId(c));
  });

  it('sends a rejection that fits SQS whole, and stores a larger one in S3 with a pointer on the queue (claim check)', () => {
    const small = decodeMessage(mqMessage(1, 'x', { data: '!!' }));
    const huge = decodeMessage(mqMessage(2, 'x', { data: Buffer.alloc(400 * 1024, 65).toString('base64') }));
    if (small.ok || huge.ok) throw new Error('expected rejections');
    const s = rejection(small, 'arn:broker', 'payloads');
    expect(s.claim).toBeUndefined();
    expect(JSON.parse(s.body)).toEqual({ reason: 'data is not valid base64', messageId: small.messageId, broker: 'arn:broker', message: small.raw });
    const h = rejection(huge, 'arn:broker', 'payloads');
    expect(Buffer.byteLength(h.body)).toBeLessThan(MAX_REJECTION_BYTES);
    expect(h.claim!.key).toBe(`rejected/${rejectionId(huge)}.json`);
    expect(JSON.parse(h.body)).toEqual({
      reason: huge.reason,
      messageId: huge.messageId,
      broker: 'arn:broker',
      claimCheck: { bucket: 'payloads', key: h.claim!.key, bytes: Buffer.byteLength(h.claim!.body) },
    });
    // The stored object is the whole rejection, data included.
    expect(JSON.parse(h.claim!.body).message.data).toBe(Buffer.alloc(400 * 1024, 65).toString('base64'));
  });
});

describe('packBatches', () => {
  const item = (kib: number) => ({ body: 'x'.repeat(kib * 1024) });
  it('packs at most ten entries and at most the byte limit per batch, in order', () => {
    expect(packBatches(Array.from({ length: 23 }, () => item(1))).map((b) => b.length)).toEqual([10, 10, 3]);
    // Six 190 KiB bodies are 1.1 MiB: one call would be BatchRequestTooLong.
    const six = packBatches(Array.from({ length: 6 }, () => item(190)));
    expect(six.map((b) => b.length)).toEqual([5, 1]);
    for (const b of six) expect(b.reduce((n, i) => n + i.body.length, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(packBatches([])).toEqual([]);
  });

  it('refuses a body larger than a whole batch, rather than sending a call SQS refuses', () => {
    expect(() => packBatches([item(1100)])).toThrow(/exceeds the \d+-byte batch limit/);
  });
});

describe('consumer handler (SDK mocked)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  mockClient(DynamoDBClient);
  const sqs = mockClient(SQSClient);
  const s3 = mockClient(S3Client);
  beforeEach(() => {
    ddb.reset();
    sqs.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    process.env.TABLE_NAME = 'messages';
    process.env.REJECTED_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/444444444444/rejected.fifo';
    process.env.REJECTED_BUCKET = 'rejected-payloads';
    process.env.RETAIN_DAYS = '30';
  });

  it('stores every good message with a conditional put and sets the bad one aside, without failing the batch', async () => {
    const event = mqEvent(mqMessage(1, 'one'), mqMessage(2, 'two', { data: '%%%' }), mqMessage(3, 'three'));
    await expect(handler(event)).resolves.toEqual({ received: 3, stored: 2, duplicates: 0, rejected: 1 });
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Item?.text)).toEqual(['one', 'three']);
    for (const p of puts) {
      expect(p.ConditionExpression).toBe('attribute_not_exists(messageId)');
      expect(p.Item?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86400);
    }
    const sent = sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input;
    expect(sent.Entries).toHaveLength(1);
    expect(JSON.parse(sent.Entries![0].MessageBody!)).toMatchObject({ reason: 'data is not valid base64', messageId: expect.stringMatching(/:2$/) });
    expect(sent.Entries![0].MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats a message already stored as a duplicate, not an error', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(handler(mqEvent(mqMessage(1, 'one', { redelivered: true })))).resolves.toEqual({ received: 1, stored: 0, duplicates: 1, rejected: 0 });
  });

  it('fails the invocation when DynamoDB throttles, so the broker redelivers the batch', async () => {
    ddb.on(PutCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(handler(mqEvent(mqMessage(1, 'one')))).rejects.toThrow('slow down');
  });

  it('fails the invocation when the rejected queue refuses a message, so none is lost', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.ThrottlingException', SenderFault: false }] });
    await expect(handler(mqEvent(mqMessage(1, 'x', { data: '%' })))).rejects.toThrow(/refused 1 message\(s\): KMS.ThrottlingException/);
  });

  it('sends rejections ten per call', async () => {
    const bad = Array.from({ length: 23 }, (_, i) => mqMessage(i, 'x', { data: '%' }));
    await expect(handler(mqEvent(...bad))).resolves.toMatchObject({ rejected: 23 });
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
  });

  it('splits large rejections over calls by bytes: six malformed 140 KiB messages are all set aside', async () => {
    const bad = Array.from({ length: 6 }, (_, i) => mqMessage(i, 'x', { data: Buffer.concat([Buffer.alloc(140 * 1024, 65), Buffer.from([0xc3, 0x28])]).toString('base64') }));
    await expect(handler(mqEvent(...bad))).resolves.toMatchObject({ rejected: 6 });
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.flat()).toHaveLength(6);
    expect(calls.length).toBeGreaterThan(1);
    for (const entries of calls) expect(entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0)).toBeLessThanOrEqual(1024 * 1024);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('stores an oversized rejection in S3 before it puts the pointer on the queue', async () => {
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake(() => void order.push('s3'));
    sqs.on(SendMessageBatchCommand).callsFake(() => (order.push('sqs'), { Successful: [], Failed: [] }));
    await expect(handler(mqEvent(mqMessage(1, 'x', { data: Buffer.alloc(400 * 1024, 65).toString('base64') })))).resolves.toMatchObject({ rejected: 1 });
    expect(order).toEqual(['s3', 'sqs']);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'rejected-payloads', Key: expect.stringMatching(/^rejected\/[0-9a-f]{64}\.json$/), ContentType: 'application/json' });
    const pointer = JSON.parse(sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries![0].MessageBody!);
    expect(pointer.claimCheck).toEqual({ bucket: 'rejected-payloads', key: put.Key, bytes: Buffer.byteLength(put.Body as string) });
  });

  it('fails the invocation when S3 refuses the claim check, and sends no pointer to nothing', async () => {
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    await expect(handler(mqEvent(mqMessage(1, 'x', { data: Buffer.alloc(400 * 1024, 65).toString('base64') })))).rejects.toThrow('AccessDenied');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('refuses an event that is not from Amazon MQ and writes nothing', async () => {
    await expect(handler({ Records: [] })).rejects.toThrow(MalformedEventError);
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('refuses to run without its configuration', async () => {
    delete process.env.TABLE_NAME;
    await expect(handler(mqEvent(mqMessage(1, 'one')))).rejects.toThrow('TABLE_NAME, REJECTED_QUEUE_URL and REJECTED_BUCKET must be set');
  });
});
