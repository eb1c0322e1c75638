import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/mq-consumer/consumer';
import { decodeMessage, MalformedEventError, MAX_REJECTION_BYTES, parseMqEvent, rejectionBody, rejectionId } from '../../../functions/mq-consumer/consumer/messages';
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
  it('decodes a text message\'s base64 data as UTF-8, with its properties', () => {
    const r = decodeMessage(mqMessage(7, '{"order":"42","note":"größe"}'));
    expect(r).toEqual({
      ok: true,
      message: expect.objectContaining({ messageId: expect.stringMatching(/:7$/), destination: 'myQueue', messageType: 'jms/text-message', text: '{"order":"42","note":"größe"}', properties: { index: '7', doAlarm: 'false' }, redelivered: false }),
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

  it('keeps a huge rejected message\'s metadata but not its data, to fit SQS', () => {
    const r = decodeMessage(mqMessage(1, 'x', { data: Buffer.alloc(400 * 1024, 65).toString('base64') }));
    if (r.ok) throw new Error('expected a rejection');
    const body = JSON.parse(rejectionBody(r, 'arn:broker'));
    expect(Buffer.byteLength(rejectionBody(r, 'arn:broker'))).toBeLessThan(MAX_REJECTION_BYTES);
    expect(body.message.data).toEqual({ omitted: true, base64Length: expect.any(Number) });
    expect(body.message.messageID).toBe(r.messageId);
  });
});

describe('consumer handler (SDK mocked)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  mockClient(DynamoDBClient);
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    ddb.reset();
    sqs.reset();
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    process.env.TABLE_NAME = 'messages';
    process.env.REJECTED_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/444444444444/rejected.fifo';
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

  it('refuses an event that is not from Amazon MQ and writes nothing', async () => {
    await expect(handler({ Records: [] })).rejects.toThrow(MalformedEventError);
    expect(ddb.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('refuses to run without its configuration', async () => {
    delete process.env.TABLE_NAME;
    await expect(handler(mqEvent(mqMessage(1, 'one')))).rejects.toThrow('TABLE_NAME and REJECTED_QUEUE_URL must be set');
  });
});
