/**
 * Amazon MQ consumer: stores every message of the batch in the message table, once per messageID,
 * and sets each malformed message aside on the rejected queue with its reason. A rejection too large
 * for SQS is stored in S3 and the queue gets a pointer (claim check); rejections are sent in batches
 * that fit SQS by count and by bytes. The batch succeeds unless storing or rejecting fails; then
 * Lambda hands it back to the broker, and the retry is safe because every write is idempotent
 * (conditional put; FIFO deduplication id; the same S3 key for the same rejection).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { decodeMessage, packBatches, parseMqEvent, rejection, type DecodedMessage, type DecodeResult, type Rejection } from './messages';

const logger = new Logger({ serviceName: 'mq-consumer' });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});
const s3 = new S3Client({});

/** Parallel conditional puts per invocation; a batch of 100 takes 10 rounds. */
const STORE_CONCURRENCY = 10;

export interface ConsumerSummary {
  readonly received: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly rejected: number;
}

export async function handler(event: unknown, context?: Context): Promise<ConsumerSummary> {
  if (context) logger.addContext(context);
  const config = readConfig();
  const batch = parseMqEvent(event);
  const results = batch.messages.map(decodeMessage);
  const accepted = results.flatMap((r) => (r.ok ? [r.message] : []));
  const rejected = results.filter((r): r is Extract<DecodeResult, { ok: false }> => !r.ok);

  await sendRejected(
    rejected.map((r) => rejection(r, batch.eventSourceArn, config.rejectedBucket)),
    config.rejectedQueueUrl,
  );
  let stored = 0;
  let duplicates = 0;
  for (let i = 0; i < accepted.length; i += STORE_CONCURRENCY) {
    const outcomes = await Promise.all(accepted.slice(i, i + STORE_CONCURRENCY).map((m) => store(m, config)));
    stored += outcomes.filter((o) => o === 'stored').length;
    duplicates += outcomes.filter((o) => o === 'duplicate').length;
  }
  const summary = { received: results.length, stored, duplicates, rejected: rejected.length };
  logger.info('batch done', { ...summary, broker: batch.eventSourceArn });
  return summary;
}

function readConfig() {
  const tableName = process.env.TABLE_NAME;
  const rejectedQueueUrl = process.env.REJECTED_QUEUE_URL;
  const rejectedBucket = process.env.REJECTED_BUCKET;
  const retainDays = Number(process.env.RETAIN_DAYS ?? '30');
  if (!tableName || !rejectedQueueUrl || !rejectedBucket) throw new Error('TABLE_NAME, REJECTED_QUEUE_URL and REJECTED_BUCKET must be set');
  if (!Number.isInteger(retainDays) || retainDays < 1) throw new Error(`RETAIN_DAYS must be a whole number of days, got ${process.env.RETAIN_DAYS}`);
  return { tableName, rejectedQueueUrl, rejectedBucket, retainDays };
}

async function store(m: DecodedMessage, config: { tableName: string; retainDays: number }): Promise<'stored' | 'duplicate'> {
  const now = Date.now();
  try {
    await ddb.send(
      new PutCommand({
        TableName: config.tableName,
        Item: {
          messageId: m.messageId,
          destination: m.destination,
          messageType: m.messageType,
          ...(m.text !== undefined ? { text: m.text } : { bytes: m.bytes }),
          properties: m.properties,
          brokerInTime: m.brokerInTime,
          storedAt: new Date(now).toISOString(),
          expiresAt: Math.floor(now / 1000) + config.retainDays * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(messageId)',
      }),
    );
    return 'stored';
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) {
      logger.info('already stored', { messageId: m.messageId, redelivered: m.redelivered });
      return 'duplicate';
    }
    throw err;
  }
}

async function sendRejected(rejections: Rejection[], queueUrl: string): Promise<void> {
  // The object first: a pointer on the queue always points at something.
  for (const r of rejections) {
    if (r.claim) await s3.send(new PutObjectCommand({ Bucket: r.claim.bucket, Key: r.claim.key, Body: r.claim.body, ContentType: 'application/json' }));
  }
  for (const chunk of packBatches(rejections)) {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((r, n) => ({ Id: String(n), MessageBody: r.body, MessageGroupId: 'rejected', MessageDeduplicationId: r.id })),
      }),
    );
    if (out.Failed?.length) throw new Error(`rejected queue refused ${out.Failed.length} message(s): ${out.Failed.map((f) => f.Code).join(', ')}`);
    for (const r of chunk) logger.warn('message rejected', { reason: r.reason, messageId: r.messageId, ...(r.claim ? { claimCheck: r.claim.key } : {}) });
  }
}
