/**
 * lambda-storage, /tmp: `{"key": "<file>"}` → the file reference/<file> of the bucket, cached in
 * this execution environment's ephemeral storage (size set by the ephemeralStorageMb parameter).
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { countLines, parseRequest, TmpCache } from './cache';

const logger = new Logger({ serviceName: 'lambda-storage-tmp' });
const s3 = new S3Client({});
const cache = new TmpCache(process.env.CACHE_DIR ?? '/tmp/reference-cache', async (key) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
  return { contentLength: object.ContentLength ?? 0, body: object.Body as Readable };
});

export const handler = async (event: unknown) => {
  const { key } = parseRequest(event);
  const file = await cache.get(key);
  const result = { key, cached: file.cached, bytes: file.bytes, lines: await countLines(file.path), freeBytes: file.freeBytes };
  logger.info('served', result);
  return result;
};
