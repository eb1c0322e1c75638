/**
 * Starts the CSV → Parquet Glue job for uploads to the raw bucket. Uploads arrive through an SQS
 * queue, so a burst of files becomes one job run (the job's bookmark picks up every new file).
 * While a run is in progress Glue refuses another (MaxConcurrentRuns 1): the records go back to
 * the queue and are tried again after the visibility timeout; after maxReceiveCount they reach the
 * DLQ. A record that is not an upload of ours fails alone and ends in the DLQ too, never dropped.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConcurrentRunsExceededException, GlueClient, StartJobRunCommand } from '@aws-sdk/client-glue';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseUpload } from '../../shared/s3-uploads';

const logger = new Logger({ serviceName: 'spice-refresh-start-job' });
const glue = new GlueClient({});

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  const jobName = process.env.JOB_NAME;
  const bucket = process.env.RAW_BUCKET;
  const prefix = process.env.INCOMING_PREFIX ?? '';
  if (!jobName || !bucket) throw new Error('JOB_NAME and RAW_BUCKET must be set');
  if (!event || !Array.isArray(event.Records)) throw new Error('not an SQS event: Records is missing');

  const failures: string[] = [];
  const uploads: { messageId: string; key: string }[] = [];
  for (const record of event.Records) {
    const r = parseUpload(record.body, { bucket, prefix, suffix: '.csv' });
    if (r.ok) uploads.push({ messageId: record.messageId, key: r.upload.key });
    else {
      logger.error('not an upload this job processes', { messageId: record.messageId, reason: r.reason });
      failures.push(record.messageId);
    }
  }
  if (uploads.length > 0) {
    try {
      const run = await glue.send(new StartJobRunCommand({ JobName: jobName }));
      logger.info('job started', { jobRunId: run.JobRunId, files: uploads.map((u) => u.key) });
    } catch (err) {
      if (!(err instanceof ConcurrentRunsExceededException)) throw err;
      // A run is in progress; it may not see these files. Try again after the visibility timeout.
      logger.info('a run is in progress; uploads wait for the next one', { files: uploads.length });
      failures.push(...uploads.map((u) => u.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}
