/** Bounded HTTP reads for feeds and pages: a timeout, a size limit, and errors that say which URL. */
export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_BYTES = 5 * 1024 * 1024;

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

export async function fetchText(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { 'user-agent': 'platform-delivery-content-aggregator/1.0' }, redirect: 'follow' });
  } catch (err) {
    throw new FetchError(`GET ${url} failed: ${(err as Error).message}`);
  }
  if (!res.ok) throw new FetchError(`GET ${url} answered HTTP ${res.status}`);
  const body = await res.text();
  if (Buffer.byteLength(body) > MAX_BYTES) throw new FetchError(`GET ${url} returned more than ${MAX_BYTES} bytes`);
  return body;
}
