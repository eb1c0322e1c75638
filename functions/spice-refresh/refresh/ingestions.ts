/**
 * Which SPICE datasets to refresh for a Glue job state change, and with which ingestion ids. No AWS here.
 */
import { createHash } from 'node:crypto';
import { MalformedEventError } from '../../shared/malformed-event';

export interface JobStateChange {
  readonly account: string;
  readonly jobName: string;
  readonly jobRunId: string;
  readonly state: string;
}

/** The EventBridge "Glue Job State Change" event. */
export function parseJobStateChange(event: unknown): JobStateChange {
  const e = event as { source?: unknown; 'detail-type'?: unknown; account?: unknown; detail?: { jobName?: unknown; jobRunId?: unknown; state?: unknown } } | null;
  if (!e || e.source !== 'aws.glue' || e['detail-type'] !== 'Glue Job State Change') throw new MalformedEventError('not a Glue Job State Change event');
  const { jobName, jobRunId, state } = e.detail ?? {};
  if (typeof e.account !== 'string' || !/^\d{12}$/.test(e.account)) throw new MalformedEventError('account is not a 12-digit account id');
  if (typeof jobName !== 'string' || typeof jobRunId !== 'string' || typeof state !== 'string' || !jobName || !jobRunId) {
    throw new MalformedEventError('detail.jobName, detail.jobRunId and detail.state are required');
  }
  return { account: e.account, jobName, jobRunId, state };
}

/** job name → QuickSight dataset ids, as the stage writes it into DATASET_MAP. */
export function parseDatasetMap(json: string | undefined): Record<string, string[]> {
  const parsed: unknown = JSON.parse(json ?? '{}');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('DATASET_MAP must be a JSON object of job name → dataset ids');
  for (const [job, ids] of Object.entries(parsed)) {
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string' && i.length > 0)) throw new Error(`DATASET_MAP.${job} must be a list of dataset ids`);
  }
  return parsed as Record<string, string[]>;
}

export interface PlannedIngestion {
  readonly dataSetId: string;
  /** The same job run and dataset always give the same id: a repeated event cannot refresh twice. */
  readonly ingestionId: string;
}

export function plannedIngestions(change: JobStateChange, map: Record<string, string[]>): PlannedIngestion[] {
  if (change.state !== 'SUCCEEDED') return [];
  return [...new Set(map[change.jobName] ?? [])].map((dataSetId) => ({ dataSetId, ingestionId: ingestionId(change.jobRunId, dataSetId) }));
}

/** [A-Za-z0-9_-], at most 128 characters, as CreateIngestion requires. */
export function ingestionId(jobRunId: string, dataSetId: string): string {
  const run = jobRunId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 100);
  const dataset = createHash('sha256').update(dataSetId).digest('hex').slice(0, 16);
  return `${run}-${dataset}`;
}
