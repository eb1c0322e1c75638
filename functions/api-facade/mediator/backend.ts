/** One SOAP call to the legacy service: basic auth, a timeout, and every failure classified. */
import { LegacyFault, MalformedAnswer, requestEnvelope, soapAction, type Operation } from './soap';
import type { BackendFailure } from './mapping';

export interface BackendConfig {
  readonly url: string;
  readonly timeoutMs: number;
  readonly credentials: { readonly username: string; readonly password: string };
}

export type CallResult = { ok: true; xml: string } | { ok: false; failure: BackendFailure };

/** Sends the operation; a SOAP fault arrives as HTTP 500 with a fault body, so the body is read before the status is judged. */
export async function callBackend(config: BackendConfig, op: Operation, fetchImpl: typeof fetch = fetch): Promise<CallResult> {
  let response: Response;
  try {
    response = await fetchImpl(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"${soapAction(op)}"`,
        authorization: `Basic ${Buffer.from(`${config.credentials.username}:${config.credentials.password}`).toString('base64')}`,
      },
      body: requestEnvelope(op),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, failure: { kind: 'timeout', afterMs: config.timeoutMs } };
    return { ok: false, failure: { kind: 'unreachable', reason: (err as Error).message } };
  }
  let xml: string;
  try {
    xml = await response.text();
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, failure: { kind: 'timeout', afterMs: config.timeoutMs } };
    return { ok: false, failure: { kind: 'unreachable', reason: (err as Error).message } };
  }
  if (response.ok) return { ok: true, xml };
  if (response.status === 500 && /<(\w+:)?Fault\b/.test(xml)) return { ok: true, xml }; // the parser turns it into a LegacyFault
  return { ok: false, failure: { kind: 'status', status: response.status } };
}

/** Runs a parse of the answer, classifying what it throws. */
export function readAnswer<T>(parse: () => T): { ok: true; value: T } | { ok: false; failure: BackendFailure } {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof LegacyFault) return { ok: false, failure: { kind: 'fault', fault: err } };
    if (err instanceof MalformedAnswer) return { ok: false, failure: { kind: 'malformed', reason: err.message } };
    throw err;
  }
}
