/**
 * lambda-storage, S3: on each object created under incoming/, reads it as a stream and writes a
 * report (bytes, lines, words) to reports/. S3 invokes it asynchronously: a failure is retried
 * twice, then the event goes to the dead-letter queue.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { createdObjects, reportKey, summarize } from './report';

const logger = new Logger({ serviceName: 'lambda-storage-s3' });
const s3 = new S3Client({});

export const handler = async (event: unknown): Promise<{ reports: string[] }> => {
  const objects = createdObjects(event);
  if (objects.length === 0) logger.info('S3 test event: the notification is set up');
  const reports: string[] = [];
  for (const { bucket, key } of objects) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const summary = await summarize(object.Body as AsyncIterable<Uint8Array>);
    const target = reportKey(key);
    // Same object, same report: a repeated event rewrites the same key with the same content.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: target, ContentType: 'application/json', Body: JSON.stringify({ source: key, etag: object.ETag, ...summary }) }));
    logger.info('report written', { key, report: target, ...summary });
    reports.push(target);
  }
  return { reports };
};
