/**
 * Instructure's DAP Query API as recorded shapes: login, query → job (waiting, then complete with
 * objects), job polling, object URLs, and the object downloads themselves (gzip JSON Lines).
 * Jobs are idempotent per query, as DAP's are: the same table and `since` return the same job.
 */
import { gzipSync } from 'node:zlib';

export const DAP_URL = 'https://api-gateway.instructure.com';
const OBJECT_HOST = 'https://data-access-platform-api-s3.s3.amazonaws.com';

interface FakeJob {
  id: string;
  table: string;
  since?: string;
  polls: number;
  objects: string[];
  at?: string;
  until?: string;
}

export class DapWorld {
  readonly calls: string[] = [];
  /** Object ids whose download answers 500 until removed. */
  readonly broken = new Set<string>();
  /** Windows the fake hands out per table: [since → {until, objects}]. */
  private readonly windows = new Map<string, { at?: string; until?: string; objects: string[] }>();
  private readonly jobs = new Map<string, FakeJob>();
  private readonly knownTables = new Set<string>();
  private original?: typeof fetch;

  constructor(
    readonly clientId = 'dap-client-id',
    readonly clientSecret = 'dap-client-secret',
  ) {}

  /** What a query of `table` since `since` (undefined: snapshot) returns. */
  window(table: string, since: string | undefined, result: { at?: string; until?: string; objects: string[] }): void {
    this.windows.set(`${table}|${since ?? ''}`, result);
    this.knownTables.add(table);
  }

  install(): void {
    this.original = globalThis.fetch;
    const passthrough = this.original;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return url.startsWith(DAP_URL) || url.startsWith(OBJECT_HOST) ? this.fetch(url, init) : passthrough(input, init);
    };
  }

  uninstall(): void {
    if (this.original) globalThis.fetch = this.original;
  }

  private completed(job: FakeJob) {
    return {
      id: job.id,
      status: 'complete',
      schema_version: 2,
      expires_at: '2026-11-30T00:00:00Z',
      ...(job.at ? { at: job.at } : { since: job.since, until: job.until }),
      objects: job.objects.map((o) => ({ id: o })),
    };
  }

  readonly fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const u = new URL(url);
    const method = (init?.method ?? 'GET').toUpperCase();
    this.calls.push(`${method} ${u.pathname}`);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.startsWith(OBJECT_HOST)) {
      const id = decodeURIComponent(u.pathname.slice(1));
      if (this.broken.has(id)) return new Response('<Error><Code>InternalError</Code></Error>', { status: 500 });
      const lines = [1, 2, 3]
        .map((n) => JSON.stringify({ meta: { action: 'U', ts: '2026-11-29T01:00:00Z' }, key: { id: `${id}-${n}` }, value: { name: `row ${n}`, workflow_state: 'active' } }))
        .join('\n');
      return new Response(new Uint8Array(gzipSync(`${lines}\n`)), { status: 200, headers: { 'content-type': 'application/octet-stream' } });
    }
    const headers = new Headers(init?.headers);
    if (u.pathname === '/ids/auth/login') {
      const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
      if (method !== 'POST' || headers.get('authorization') !== expected || String(init?.body as string) !== 'grant_type=client_credentials') return json(401, { error: 'invalid_client' });
      return json(200, { access_token: 'eyJhbGciOiJSUzI1NiJ9.recorded.jwt', token_type: 'Bearer', expires_in: 3600 });
    }
    if (headers.get('authorization') !== 'Bearer eyJhbGciOiJSUzI1NiJ9.recorded.jwt') return json(401, { error: { message: 'Unauthorized' } });
    const query = u.pathname.match(/^\/dap\/query\/canvas\/table\/([a-z0-9_]+)\/data$/);
    if (query && method === 'POST') {
      const body = JSON.parse(String(init?.body as string)) as { format?: string; since?: string };
      if (body.format !== 'jsonl') return json(400, { error: { message: 'format must be one of csv, jsonl, parquet, tsv' } });
      const table = query[1];
      if (!this.knownTables.has(table)) return json(404, { error: { message: `The table ${table} does not exist` } });
      // No recorded window: nothing changed since then, an empty window.
      const window = this.windows.get(`${table}|${body.since ?? ''}`) ?? { since: body.since, until: body.since, objects: [] };
      const id = `${table}-${body.since ?? 'snapshot'}`.replace(/[^A-Za-z0-9-]/g, '');
      const job = this.jobs.get(id) ?? { id, table, since: body.since, polls: 0, ...window };
      this.jobs.set(id, job);
      // A job that already exists for these parameters is returned as it stands.
      return json(200, job.polls >= 2 ? this.completed(job) : { id, status: 'waiting', expires_at: '2026-11-30T00:00:00Z' });
    }
    const jobPath = u.pathname.match(/^\/dap\/job\/(.+)$/);
    if (jobPath && method === 'GET') {
      const job = this.jobs.get(decodeURIComponent(jobPath[1]));
      if (!job) return json(404, { error: { message: 'The job does not exist or has expired' } });
      job.polls++;
      if (job.polls < 2) return json(202, { id: job.id, status: 'running' });
      return json(200, this.completed(job));
    }
    if (u.pathname === '/dap/object/url' && method === 'POST') {
      const ids = (JSON.parse(String(init?.body as string)) as { id: string }[]).map((o) => o.id);
      return json(200, { urls: Object.fromEntries(ids.map((id) => [id, { url: `${OBJECT_HOST}/${encodeURIComponent(id)}?X-Amz-Signature=recorded` }])) });
    }
    return json(404, { error: { message: 'not found' } });
  };
}
