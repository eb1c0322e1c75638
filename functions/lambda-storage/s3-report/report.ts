/**
 * S3 native event notifications, read strictly: the objects a notification names, with their keys
 * decoded. S3's own test event (sent when a notification is configured) names none.
 */
import { z } from 'zod';
import { decodeS3Key } from '../../shared/s3-keys';
import { MalformedEventError } from '../../shared/malformed-event';

export const INCOMING_PREFIX = 'incoming/';
export const REPORTS_PREFIX = 'reports/';

const S3Record = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string().startsWith('ObjectCreated:'),
  s3: z.object({
    bucket: z.object({ name: z.string().min(3) }),
    object: z.object({ key: z.string().min(1), size: z.number().int().nonnegative().optional() }),
  }),
});
const Notification = z.object({ Records: z.array(S3Record).min(1) });
const TestEvent = z.object({ Service: z.literal('Amazon S3'), Event: z.literal('s3:TestEvent') });

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
}

/** The created objects of a notification, `[]` for S3's test event; anything else is malformed. */
export function createdObjects(event: unknown): CreatedObject[] {
  if (TestEvent.safeParse(event).success) return [];
  const parsed = Notification.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedEventError(`not an S3 ObjectCreated notification: ${issue.path.join('.') || '(event)'}: ${issue.message}`);
  }
  return parsed.data.Records.map((r) => {
    const decoded = decodeS3Key(r.s3.object.key);
    if (!decoded.ok) throw new MalformedEventError(decoded.reason);
    return { bucket: r.s3.bucket.name, key: decoded.key };
  });
}

/** Where the report of an incoming object goes: reports/<the rest of its key>.json. */
export function reportKey(key: string): string {
  if (!key.startsWith(INCOMING_PREFIX)) throw new MalformedEventError(`object ${key} is not under ${INCOMING_PREFIX} (the notification filter only sends those)`);
  return `${REPORTS_PREFIX}${key.slice(INCOMING_PREFIX.length)}.json`;
}

export interface TextSummary {
  bytes: number;
  lines: number;
  words: number;
}

/** Counts bytes, lines and words of a stream as it arrives (like wc), without holding it. */
export async function summarize(chunks: AsyncIterable<Uint8Array>): Promise<TextSummary> {
  const summary: TextSummary = { bytes: 0, lines: 0, words: 0 };
  let inWord = false;
  let last = 0x0a;
  for await (const chunk of chunks) {
    summary.bytes += chunk.length;
    for (const b of chunk) {
      const space = b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;
      if (b === 0x0a) summary.lines++;
      if (!space && !inWord) summary.words++;
      inWord = !space;
      last = b;
    }
  }
  // A last line without its newline is still a line.
  if (summary.bytes > 0 && last !== 0x0a) summary.lines++;
  return summary;
}
