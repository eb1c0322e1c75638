/**
 * Analytics consumer: every job event, in order, written to S3 under a date prefix.
 * A malformed record fails alone (and the rest of its message group waits behind it);
 * the good records of the batch are written in one object.
 */
import { SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { BatchProcessingOptions } from '@aws-lambda-powertools/batch/types';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SQS_BATCH_OPTIONS } from '../../shared/sqs-batch';
import { parseJobEvent, type JobEvent } from '../shared/job-event';
import { analyticsObject } from './object-key';

const logger = new Logger({ serviceName: 'sns-fifo-jobs-analytics' });
const s3 = new S3Client({});

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.addContext(context ?? ({} as Context));
  const bucket = process.env.BUCKET_NAME;
  if (!bucket) throw new Error('BUCKET_NAME is not set');
  if (!event || !Array.isArray(event.Records)) throw new Error('not an SQS event: Records is missing');

  const processor = new SqsFifoPartialProcessorAsync();
  processor.register(event.Records, async (record: SQSRecord) => parseJobEvent(record.body), {
    ...SQS_BATCH_OPTIONS,
    skipGroupOnError: true,
  } as BatchProcessingOptions<SqsFifoPartialProcessorAsync>);
  const outcomes = await processor.process();
  const good: Array<{ messageId: string; event: JobEvent }> = [];
  for (const [status, result, record] of outcomes) {
    if (status === 'success') good.push({ messageId: (record as SQSRecord).messageId, event: result as JobEvent });
  }
  for (const object of analyticsObject(good)) {
    // A failed write throws: the whole batch returns to the queue and the key, derived from the
    // message ids, makes the retry overwrite rather than duplicate.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: 'application/x-ndjson' }));
  }
  const response = processor.response();
  logger.info('batch done', { written: good.length, failed: response.batchItemFailures.length });
  return response;
}
