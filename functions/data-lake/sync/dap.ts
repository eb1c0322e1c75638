/**
 * A small client for Instructure's Data Access Platform (Canvas Data 2) Query API: client
 * credentials → JWT, start a snapshot or incremental query, poll the job, trade object ids for
 * pre-signed URLs. Transient answers (429, 5xx, 504 gateway timeouts, network errors) are retried
 * a bounded number of times; everything else is an error that names the call.
 */
export const DAP_BASE_URL = 'https://api-gateway.instructure.com';

export class DapError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DapError';
  }
}

export interface DapCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export type JobStatus = 'waiting' | 'running' | 'complete' | 'failed';

export interface DapJob {
  readonly id: string;
  readonly status: JobStatus;
  readonly objects?: { id: string }[];
  /** Snapshot: the point in time of the data. */
  readonly at?: string;
  /** Incremental: the window of changes. */
  readonly since?: string;
  readonly until?: string;
  readonly error?: { message?: string };
}

export interface DapClientOptions {
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Attempts per call for transient failures. */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DapClient {
  private token?: { value: string; expiresAt: number };
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly credentials: DapCredentials,
    options: DapClientOptions = {},
  ) {
    this.baseUrl = options.baseUrl ?? DAP_BASE_URL;
    this.fetchFn = options.fetch ?? ((...a) => fetch(...a));
    this.attempts = options.attempts ?? 4;
    this.sleep = options.sleep ?? sleeper;
  }

  async startQuery(namespace: string, table: string, since?: string): Promise<DapJob> {
    return this.json<DapJob>('POST', `/dap/query/${encodeURIComponent(namespace)}/table/${encodeURIComponent(table)}/data`, since ? { format: 'jsonl', since } : { format: 'jsonl' });
  }

  async job(id: string): Promise<DapJob> {
    return this.json<DapJob>('GET', `/dap/job/${encodeURIComponent(id)}`);
  }

  async objectUrls(objectIds: readonly string[]): Promise<Record<string, string>> {
    const res = await this.json<{ urls?: Record<string, { url?: string }> }>(
      'POST',
      '/dap/object/url',
      objectIds.map((id) => ({ id })),
    );
    const urls: Record<string, string> = {};
    for (const id of objectIds) {
      const url = res.urls?.[id]?.url;
      if (!url) throw new DapError(`POST /dap/object/url returned no URL for object ${id}`);
      urls[id] = url;
    }
    return urls;
  }

  /** The object's bytes, as a stream; retried like the API calls. */
  async download(url: string): Promise<ReadableStream<Uint8Array>> {
    const res = await this.withRetry(`GET object ${new URL(url).pathname}`, () => this.fetchFn(url));
    if (!res.body) throw new DapError(`GET object ${new URL(url).pathname} returned no body`);
    return res.body;
  }

  private async authorization(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString('base64');
    const res = await this.withRetry('POST /ids/auth/login', () =>
      this.fetchFn(`${this.baseUrl}/ids/auth/login`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
    );
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new DapError('POST /ids/auth/login returned no access_token');
    this.token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return this.token.value;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.authorization();
    const res = await this.withRetry(`${method} ${path}`, () =>
      this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
    return (await res.json()) as T;
  }

  private async withRetry(what: string, call: () => Promise<Response>): Promise<Response> {
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let res: Response | undefined;
      try {
        res = await call();
      } catch (err) {
        last = `${what} failed: ${(err as Error).message}`;
      }
      if (res) {
        if (res.ok) return res;
        const detail = (await res.text().catch(() => '')).slice(0, 200);
        last = `${what} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
        if (res.status !== 429 && res.status < 500) throw new DapError(last, res.status);
      }
      if (attempt < this.attempts) await this.sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)));
    }
    throw new DapError(`${last} (after ${this.attempts} attempts)`);
  }
}
