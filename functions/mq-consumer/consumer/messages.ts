/**
 * Amazon MQ (ActiveMQ) event parsing and message decoding. No AWS here: the handler feeds these
 * the raw event and acts on the result.
 */
import { createHash } from 'node:crypto';

export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

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

/** SQS takes 256 KiB per message; a larger rejected message keeps its metadata, not its data. */
export const MAX_REJECTION_BYTES = 200 * 1024;

/** The rejected-queue body: why, which message, and the message itself when it fits. */
export function rejectionBody(result: Extract<DecodeResult, { ok: false }>, broker: string): string {
  const body = JSON.stringify({ reason: result.reason, messageId: result.messageId, broker, message: result.raw });
  if (Buffer.byteLength(body) <= MAX_REJECTION_BYTES) return body;
  const { data, ...rest } = isRecord(result.raw) ? result.raw : { data: result.raw };
  const dataLength = typeof data === 'string' ? data.length : undefined;
  return JSON.stringify({ reason: result.reason, messageId: result.messageId, broker, message: { ...rest, data: { omitted: true, base64Length: dataLength } } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
