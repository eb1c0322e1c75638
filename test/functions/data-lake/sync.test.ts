import { DapClient, DapError } from '../../../functions/data-lake/sync/dap';
import { loadSummary, objectKey, syncTable, type RawStore, type SyncLimits, type TableState } from '../../../functions/data-lake/sync/sync';
import { DAP_URL, DapWorld } from '../../../worlds/dap-world';

class MemoryStore implements RawStore {
  readonly objects = new Map<string, number>();
  readonly states = new Map<string, TableState>();
  async readState(ns: string, table: string) {
    return this.states.get(`${ns}/${table}`);
  }
  async writeState(ns: string, table: string, state: TableState) {
    this.states.set(`${ns}/${table}`, state);
  }
  async exists(key: string) {
    return this.objects.has(key);
  }
  async put(key: string, body: ReadableStream<Uint8Array>) {
    const bytes = Buffer.from(await new Response(body).arrayBuffer());
    this.objects.set(key, bytes.length);
  }
}

const limits = (over: Partial<SyncLimits> = {}): SyncLimits => ({ maxPolls: 5, pollIntervalMs: 0, downloadAttempts: 3, hasTime: () => true, sleep: async () => undefined, ...over });

describe('syncTable against recorded DAP shapes', () => {
  let world: DapWorld;
  let dap: DapClient;
  let store: MemoryStore;
  beforeEach(() => {
    world = new DapWorld();
    dap = new DapClient({ clientId: world.clientId, clientSecret: world.clientSecret }, { baseUrl: DAP_URL, fetch: world.fetch as typeof fetch, sleep: async () => undefined });
    store = new MemoryStore();
    world.window('courses', undefined, { at: '2026-11-28T00:00:00Z', objects: ['part-00000-snap-a', 'part-00001-snap-b'] });
    world.window('courses', '2026-11-28T00:00:00Z', { until: '2026-11-29T00:00:00Z', objects: ['part-00000-inc-c', 'part-00001-inc-d'] });
  });

  it('takes a snapshot first, then only the changes since the last window', async () => {
    const first = await syncTable('canvas', 'courses', 'lms/', dap, store, limits());
    expect(first).toMatchObject({ status: 'synced', mode: 'snapshot', newFiles: 2, unchangedFiles: 0, until: '2026-11-28T00:00:00Z' });
    const second = await syncTable('canvas', 'courses', 'lms/', dap, store, limits());
    expect(second).toMatchObject({ status: 'synced', mode: 'incremental', newFiles: 2, unchangedFiles: 0, until: '2026-11-29T00:00:00Z' });
    expect([...store.objects.keys()]).toEqual([
      'lms/canvas/courses/job=courses-snapshot/part-00000-snap-a.jsonl.gz',
      'lms/canvas/courses/job=courses-snapshot/part-00001-snap-b.jsonl.gz',
      'lms/canvas/courses/job=courses-2026-11-28T000000Z/part-00000-inc-c.jsonl.gz',
      'lms/canvas/courses/job=courses-2026-11-28T000000Z/part-00001-inc-d.jsonl.gz',
    ]);
    expect(world.calls.filter((c) => c === 'POST /ids/auth/login')).toHaveLength(1);
  });

  it('retries a failed download, reports it, keeps the window, and stores only what is missing next run', async () => {
    await syncTable('canvas', 'courses', 'lms/', dap, store, limits());
    world.broken.add('part-00001-inc-d');
    const failed = await syncTable('canvas', 'courses', 'lms/', dap, store, limits());
    expect(failed).toMatchObject({ status: 'failed', newFiles: 1, failedFiles: [expect.stringMatching(/^part-00001-inc-d: GET object \/part-00001-inc-d answered HTTP 500/)] });
    // 3 attempts per file, each with a fresh pre-signed URL; each attempt retries the GET itself 4 times.
    expect(world.calls.filter((c) => c === 'GET /part-00001-inc-d')).toHaveLength(12);
    expect(store.states.get('canvas/courses')?.until).toBe('2026-11-28T00:00:00Z');

    world.broken.clear();
    const retried = await syncTable('canvas', 'courses', 'lms/', dap, store, limits());
    expect(retried).toMatchObject({ status: 'synced', newFiles: 1, unchangedFiles: 1, until: '2026-11-29T00:00:00Z' });
    expect(world.calls.filter((c) => c === 'GET /part-00000-inc-c')).toHaveLength(1);
  });

  it('defers a job that is still running after the poll budget, and a table when time is up', async () => {
    expect(await syncTable('canvas', 'courses', 'lms/', dap, store, limits({ maxPolls: 1 }))).toMatchObject({ status: 'deferred', error: expect.stringContaining('still running after 1 polls') });
    expect(await syncTable('canvas', 'courses', 'lms/', dap, store, limits({ hasTime: () => false }))).toMatchObject({ status: 'deferred', error: 'no time left in this run' });
    expect(store.objects.size).toBe(0);
  });

  it('fails a table whose query DAP refuses, naming the call', async () => {
    const r = await syncTable('canvas', 'no_such_table', 'lms/', dap, store, limits());
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('POST /dap/query/canvas/table/no_such_table/data answered HTTP 404') });
  });

  it('refuses wrong credentials without retrying them', async () => {
    const bad = new DapClient({ clientId: 'x', clientSecret: 'y' }, { baseUrl: DAP_URL, fetch: world.fetch as typeof fetch, sleep: async () => undefined });
    await expect(bad.startQuery('canvas', 'courses')).rejects.toThrow(DapError);
    expect(world.calls.filter((c) => c === 'POST /ids/auth/login')).toHaveLength(1);
  });

  it('keys objects safely and summarizes a load', () => {
    expect(objectKey('lms/', 'canvas', 'users', 'job/1', 'a b')).toBe('lms/canvas/users/job=job_1/a_b.jsonl.gz');
    const summary = loadSummary('canvas', [
      { table: 'courses', status: 'synced', mode: 'incremental', newFiles: 2, unchangedFiles: 1, failedFiles: [] },
      { table: 'users', status: 'failed', mode: 'snapshot', newFiles: 0, unchangedFiles: 0, failedFiles: ['o1: HTTP 500'], error: '1 file(s) not stored' },
    ]);
    expect(summary.subject).toBe('data-lake load: 1 of 2 tables FAILED');
    expect(summary.message).toContain('users: failed (snapshot), 0 new, 0 unchanged\n  1 file(s) not stored\n    file o1: HTTP 500');
  });
});
