/**
 * One table's sync from DAP into the raw zone. The first run takes a snapshot; later runs ask for
 * the changes since the last completed window. Files already in the bucket are not downloaded
 * again; a file that fails after retries fails the table, whose state then stays where it was,
 * so the next run asks for the same window again. Storage and DAP are injected: no AWS here.
 */
import type { DapClient, DapJob } from './dap';

export interface TableState {
  /** End of the last window fully stored: the next incremental query starts here. */
  readonly until: string;
  readonly lastJobId: string;
}

export interface RawStore {
  readState(namespace: string, table: string): Promise<TableState | undefined>;
  writeState(namespace: string, table: string, state: TableState): Promise<void>;
  exists(key: string): Promise<boolean>;
  put(key: string, body: ReadableStream<Uint8Array>): Promise<void>;
}

export interface TableResult {
  readonly table: string;
  readonly status: 'synced' | 'failed' | 'deferred';
  readonly mode?: 'snapshot' | 'incremental';
  readonly jobId?: string;
  readonly newFiles: number;
  readonly unchangedFiles: number;
  readonly failedFiles: string[];
  readonly error?: string;
  readonly until?: string;
}

export interface SyncLimits {
  /** Polls of a job before the table is deferred to the next run. */
  readonly maxPolls: number;
  readonly pollIntervalMs: number;
  /** Download attempts per file (each with a fresh URL). */
  readonly downloadAttempts: number;
  /** Whether there is time left to start or keep polling (the Lambda deadline). */
  readonly hasTime: () => boolean;
  readonly sleep: (ms: number) => Promise<void>;
}

/** S3 key of one DAP object: grouped by table and job, so a crawler sees one folder per table. */
export function objectKey(prefix: string, namespace: string, table: string, jobId: string, objectId: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._=-]/g, '_');
  return `${prefix}${namespace}/${table}/job=${safe(jobId)}/${safe(objectId)}.jsonl.gz`;
}

export async function syncTable(namespace: string, table: string, prefix: string, dap: DapClient, store: RawStore, limits: SyncLimits): Promise<TableResult> {
  const base = { table, newFiles: 0, unchangedFiles: 0, failedFiles: [] as string[] };
  if (!limits.hasTime()) return { ...base, status: 'deferred', error: 'no time left in this run' };
  const state = await store.readState(namespace, table);
  const mode = state ? 'incremental' : 'snapshot';
  let job: DapJob;
  try {
    job = await dap.startQuery(namespace, table, state?.until);
    for (let polls = 0; job.status === 'waiting' || job.status === 'running'; polls++) {
      if (polls >= limits.maxPolls || !limits.hasTime())
        return { ...base, status: 'deferred', mode, jobId: job.id, error: `job ${job.id} still ${job.status} after ${polls} polls; the next run picks it up` };
      await limits.sleep(limits.pollIntervalMs);
      job = await dap.job(job.id);
    }
  } catch (err) {
    return { ...base, status: 'failed', mode, error: (err as Error).message };
  }
  if (job.status !== 'complete') return { ...base, status: 'failed', mode, jobId: job.id, error: `job ${job.id} ${job.status}: ${job.error?.message ?? 'no message'}` };
  const until = job.until ?? job.at;
  if (!until) return { ...base, status: 'failed', mode, jobId: job.id, error: `job ${job.id} completed without at/until` };

  let newFiles = 0;
  let unchangedFiles = 0;
  const failedFiles: string[] = [];
  for (const { id } of job.objects ?? []) {
    const key = objectKey(prefix, namespace, table, job.id, id);
    if (await store.exists(key)) {
      unchangedFiles++;
      continue;
    }
    let stored = false;
    let lastError = '';
    for (let attempt = 1; attempt <= limits.downloadAttempts && !stored; attempt++) {
      try {
        // Pre-signed URLs last about 15 minutes: ask for a fresh one on every attempt.
        const url = (await dap.objectUrls([id]))[id];
        await store.put(key, await dap.download(url));
        stored = true;
      } catch (err) {
        lastError = (err as Error).message;
        if (attempt < limits.downloadAttempts) await limits.sleep(limits.pollIntervalMs);
      }
    }
    if (stored) newFiles++;
    else failedFiles.push(`${id}: ${lastError}`);
  }
  if (failedFiles.length > 0) {
    return { table, status: 'failed', mode, jobId: job.id, newFiles, unchangedFiles, failedFiles, error: `${failedFiles.length} file(s) not stored; the window is asked for again next run` };
  }
  await store.writeState(namespace, table, { until, lastJobId: job.id });
  return { table, status: 'synced', mode, jobId: job.id, newFiles, unchangedFiles, failedFiles, until };
}

/** The SNS load summary: subject and body. */
export function loadSummary(namespace: string, results: readonly TableResult[]): { subject: string; message: string } {
  const failed = results.filter((r) => r.status === 'failed');
  const deferred = results.filter((r) => r.status === 'deferred');
  const files = results.reduce((n, r) => n + r.newFiles, 0);
  const subject =
    failed.length > 0
      ? `data-lake load: ${failed.length} of ${results.length} tables FAILED`
      : `data-lake load: ${results.length - deferred.length} of ${results.length} tables synced, ${files} new files`;
  const lines = results.map((r) => {
    const head = `${r.table}: ${r.status}${r.mode ? ` (${r.mode})` : ''}, ${r.newFiles} new, ${r.unchangedFiles} unchanged`;
    const tail = [r.error, ...r.failedFiles.map((f) => `  file ${f}`)].filter(Boolean).join('\n  ');
    return tail ? `${head}\n  ${tail}` : head;
  });
  return { subject: subject.slice(0, 99), message: [`namespace ${namespace}`, ...lines].join('\n') };
}
