/**
 * S3 "Object Created" events (EventBridge shape) as they arrive in SQS records. No AWS here.
 */
import { decodeS3Key } from './s3-keys';

export interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
}

export type UploadResult = { ok: true; upload: Upload } | { ok: false; reason: string };

/** Parses one SQS body holding an EventBridge S3 event; an upload outside the expected bucket, prefix or suffix is refused. */
export function parseUpload(body: string, expect: { bucket: string; prefix: string; suffix: string }): UploadResult {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const e = event as { source?: unknown; 'detail-type'?: unknown; detail?: { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown } } };
  if (e?.source !== 'aws.s3' || e['detail-type'] !== 'Object Created') return { ok: false, reason: 'not an S3 Object Created event' };
  const bucket = e.detail?.bucket?.name;
  const key = e.detail?.object?.key;
  if (typeof bucket !== 'string' || typeof key !== 'string') return { ok: false, reason: 'detail.bucket.name or detail.object.key is missing' };
  if (bucket !== expect.bucket) return { ok: false, reason: `object is in bucket ${bucket}, not ${expect.bucket}` };
  // EventBridge delivers keys URL-encoded, as S3 notifications do.
  const result = decodeS3Key(key);
  if (!result.ok) return { ok: false, reason: result.reason };
  const decoded = result.key;
  if (!decoded.startsWith(expect.prefix) || !decoded.toLowerCase().endsWith(expect.suffix)) return { ok: false, reason: `key ${decoded} is not ${expect.prefix}*${expect.suffix}` };
  return { ok: true, upload: { bucket, key: decoded, size: typeof e.detail?.object?.size === 'number' ? e.detail.object.size : undefined } };
}
