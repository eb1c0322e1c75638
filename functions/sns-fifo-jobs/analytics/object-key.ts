import { createHash } from 'node:crypto';
import type { JobEvent } from '../shared/job-event';

export interface AnalyticsObject {
  readonly key: string;
  readonly body: string;
}

/**
 * One JSON-lines object per event date, keyed `jobs/dt=YYYY-MM-DD/<hash>.jsonl`. The hash covers
 * the message ids, so a redelivered batch overwrites its own object instead of adding a copy.
 */
export function analyticsObject(records: ReadonlyArray<{ messageId: string; event: JobEvent }>): AnalyticsObject[] {
  const byDate = new Map<string, Array<{ messageId: string; event: JobEvent }>>();
  for (const r of records) {
    const date = r.event.eventCreated.slice(0, 10);
    byDate.set(date, [...(byDate.get(date) ?? []), r]);
  }
  return [...byDate.entries()].map(([date, rs]) => {
    const hash = createHash('sha256')
      .update(rs.map((r) => r.messageId).join('\n'))
      .digest('hex')
      .slice(0, 20);
    return { key: `jobs/dt=${date}/${hash}.jsonl`, body: rs.map((r) => JSON.stringify(r.event)).join('\n') + '\n' };
  });
}
