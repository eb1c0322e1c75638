/**
 * Amazon MQ (ActiveMQ) event parsing and message decoding. No AWS here: the handler feeds these
 * the raw event and acts on the result.
 */
import { createHash } from 'node:crypto';
import { MalformedEventError } from '../../shared/malformed-event';

export interface MqBatch {
  readonly eventSourceArn: string;
  /** Messages as they came; each is decoded on its own so one bad message cannot sink the batch. */
  readonly messages: readonly unknown[];
}

/** DynamoDB's item limit is 400 KB; this leaves room for the other attributes. */
export const MAX_STORED_BODY_BYTES = 350 * 1024;

export interface DecodedMessage {
  readonly messageId: string;
  readonly destination: string;
  readonly messageType: string;
  /** UTF-8 text of a text message. */
  readonly text?: string;
  /** Raw bytes of any other message type (jms/bytes-message, …). */
  readonly bytes?: Uint8Array;
  readonly properties: Record<string, string>;
  readonly redelivered: boolean;
  readonly brokerInTime?: number;
}

export type DecodeResult = { ok: true; message: DecodedMessage } | { ok: false; reason: string; messageId?: string; raw: unknown };

/** The envelope must be an MQ event; anything else is a wiring error, not a bad message. */
export function parseMqEvent(event: unknown): MqBatch {
  if (!isRecord(event)) throw new MalformedEventError('not an Amazon MQ event: expected an object');
  if (event.eventSource !== 'aws:mq') throw new MalformedEventError(`not an Amazon MQ event: eventSource is ${JSON.stringify(event.eventSource)}, expected "aws:mq"`);
  if (typeof event.eventSourceArn !== 'string' || !/^arn:aws[a-z-]*:mq:/.test(event.eventSourceArn)) throw new MalformedEventError('not an Amazon MQ event: eventSourceArn is not a broker ARN');
  if (!Array.isArray(event.messages)) throw new MalformedEventError('not an Amazon MQ event: messages is not a list');
  return { eventSourceArn: event.eventSourceArn, messages: event.messages };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one message; never throws, so the caller can set a bad one aside and go on. */
export function decodeMessage(raw: unknown): DecodeResult {
  if (!isRecord(raw)) return { ok: false, reason: 'message is not an object', raw };
  const messageId = typeof raw.messageID === 'string' && raw.messageID.length > 0 ? raw.messageID : undefined;
  const reject = (reason: string): DecodeResult => ({ ok: false, reason, messageId, raw });
  if (!messageId) return reject('messageID is missing');
  const destination = isRecord(raw.destination) && typeof raw.destination.physicalName === 'string' ? raw.destination.physicalName : undefined;
  if (!destination) return reject('destination.physicalName is missing');
  if (typeof raw.data !== 'string') return reject('data is missing');
  if (!BASE64.test(raw.data)) return reject('data is not valid base64');
  const bytes = Buffer.from(raw.data, 'base64');
  if (bytes.length > MAX_STORED_BODY_BYTES) return reject(`body of ${bytes.length} bytes exceeds the ${MAX_STORED_BODY_BYTES} bytes the message table stores`);
  const messageType = typeof raw.messageType === 'string' ? raw.messageType : 'jms/text-message';
  let text: string | undefined;
  if (messageType === 'jms/text-message') {
    try {
      text = utf8.decode(bytes);
    } catch {
      return reject('text message body is not valid UTF-8');
    }
  }
  const properties: Record<string, string> = {};
  if (isRecord(raw.properties)) for (const [k, v] of Object.entries(raw.properties)) properties[k] = String(v);
  return {
    ok: true,
    message: {
      messageId,
      destination,
      messageType,
      text,
      bytes: text === undefined ? new Uint8Array(bytes) : undefined,
      properties,
      redelivered: raw.redelivered === true,
      brokerInTime: typeof raw.brokerInTime === 'number' ? raw.brokerInTime : undefined,
    },
  };
}

/** The same rejected message always gets the same id, so a retried batch does not report it twice. */
export function rejectionId(result: Extract<DecodeResult, { ok: false }>): string {
  return createHash('sha256')
    .update(result.messageId ?? JSON.stringify(result.raw) ?? 'undefined')
    .digest('hex');
}

/**
 * The largest rejected-queue body we send: SQS takes 256 KiB per message on a queue with the default
 * maximum, so this leaves room for the envelope. A larger rejection is stored in S3 (claim check).
 */
export const MAX_REJECTION_BYTES = 200 * 1024;
/** SendMessageBatch takes at most 1 MiB of bodies per call; keep headroom for the entries' other fields. */
export const MAX_BATCH_BYTES = 1024 * 1024 - 16 * 1024;
export const MAX_BATCH_ENTRIES = 10;

/** One rejection, ready to send: its queue body, and the object to store first when the body is a claim check. */
export interface Rejection {
  readonly id: string;
  readonly reason: string;
  readonly messageId?: string;
  readonly body: string;
  readonly claim?: { readonly bucket: string; readonly key: string; readonly body: string };
}

/**
 * The rejected-queue message: why, which message, and the message itself. When that is too large
 * for SQS, the whole rejection goes to S3 under a key derived from its id (so a retry writes the
 * same object) and the queue gets a pointer to it: nothing is dropped.
 */
export function rejection(result: Extract<DecodeResult, { ok: false }>, broker: string, claimBucket: string): Rejection {
  const id = rejectionId(result);
  const full = JSON.stringify({ reason: result.reason, messageId: result.messageId, broker, message: result.raw });
  const base = { id, reason: result.reason, messageId: result.messageId };
  if (Buffer.byteLength(full) <= MAX_REJECTION_BYTES) return { ...base, body: full };
  const key = `rejected/${id}.json`;
  const body = JSON.stringify({ reason: result.reason, messageId: result.messageId, broker, claimCheck: { bucket: claimBucket, key, bytes: Buffer.byteLength(full) } });
  return { ...base, body, claim: { bucket: claimBucket, key, body: full } };
}

/** Consecutive batches of at most `maxEntries` entries and `maxBytes` bytes of bodies, in order. */
export function packBatches<T extends { readonly body: string }>(items: readonly T[], maxEntries = MAX_BATCH_ENTRIES, maxBytes = MAX_BATCH_BYTES): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.body);
    if (size > maxBytes) throw new Error(`a rejected-queue body of ${size} bytes exceeds the ${maxBytes}-byte batch limit`);
    if (current.length === maxEntries || bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
