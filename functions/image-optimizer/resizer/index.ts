/**
 * Resizer: uploads arrive as S3 "Object Created" events (EventBridge → SQS). Each record is one
 * upload, read from the upload bucket and written as renditions to the distribution bucket, which
 * sends no events here, so the output never retriggers the function. A corrupt image fails its
 * record alone (partial batch response): it is retried maxReceiveCount times, then kept in the
 * DLQ, whose alarm reports it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MalformedEventError } from '../../shared/malformed-event';
import { parseUpload } from '../../shared/s3-uploads';
import { SQS_BATCH_OPTIONS } from '../../shared/sqs-batch';
import { settingsFromEnv, type Settings, UPLOAD_PREFIX, uploadId } from '../shared/settings';
import { renditions, UnreadableImage } from './renditions';

const logger = new Logger({ serviceName: 'image-optimizer-resizer' });
/** Read once per execution environment: the stack fixes it at deploy. */
let cachedSettings: Settings | undefined;
const s3 = new S3Client({});

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.addContext(context ?? ({} as Context));
  const uploads = process.env.UPLOAD_BUCKET;
  const output = process.env.RENDITION_BUCKET;
  if (!uploads || !output) throw new Error('UPLOAD_BUCKET and RENDITION_BUCKET must be set');
  if (!event || !Array.isArray(event.Records)) throw new Error('not an SQS event: Records is missing');
  const settings = (cachedSettings ??= settingsFromEnv());

  const recordHandler = async (record: SQSRecord): Promise<number> => {
    const parsed = parseUpload(record.body, { bucket: uploads, prefix: UPLOAD_PREFIX, suffix: '' });
    if (!parsed.ok) throw new MalformedEventError(parsed.reason);
    const { key, size } = parsed.upload;
    const id = uploadId(key);
    if (!id) throw new MalformedEventError(`${key} is not a key the presign API hands out (uploads/<uuid>.<jpg|png|webp>)`);
    if (size !== undefined && size > settings.maxUploadBytes) throw new UnreadableImage(`${key} is ${size} bytes, over the ${settings.maxUploadBytes}-byte limit`);
    const object = await s3.send(new GetObjectCommand({ Bucket: uploads, Key: key }));
    const input = Buffer.from(await object.Body!.transformToByteArray());
    try {
      const outputs = await renditions(input, id, settings);
      for (const r of outputs) {
        await s3.send(new PutObjectCommand({ Bucket: output, Key: r.key, Body: r.body, ContentType: r.contentType, CacheControl: 'public, max-age=31536000, immutable' }));
      }
      logger.info('resized', { key, renditions: outputs.map((r) => `${r.key} ${r.width}x${r.height}`) });
      return outputs.length;
    } catch (err) {
      if (err instanceof UnreadableImage) logger.error('unreadable image', { key, reason: err.message, receiveCount: record.attributes.ApproximateReceiveCount });
      throw err;
    }
  };
  return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { ...SQS_BATCH_OPTIONS, context: context as Context });
}
