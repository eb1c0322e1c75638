/**
 * The job event contract shared by the publisher and both consumers of `JobEvents.fifo`.
 * Pure: no AWS here, so every rule is tested directly.
 */
import { z } from 'zod';

export const JOB_EVENT_TYPES = ['JobCreated', 'JobSalaryUpdated', 'JobDeleted'] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export const JobEvent = z.strictObject({
  id: z.string().min(1),
  jobId: z.string().min(1),
  eventCreated: z.iso.datetime(),
  eventType: z.enum(JOB_EVENT_TYPES),
  eventSource: z.string().min(1),
  eventDetails: z.record(z.string(), z.unknown()),
});
export type JobEvent = z.output<typeof JobEvent>;

/** Raised for a record that can never succeed: it fails alone and ends in the DLQ. */
export class MalformedRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRecordError';
  }
}

/** Parses an SQS body (raw SNS delivery) into a job event, or says exactly what is wrong. */
export function parseJobEvent(body: string): JobEvent {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new MalformedRecordError(`body is not JSON: ${body.slice(0, 80)}`);
  }
  const parsed = JobEvent.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MalformedRecordError(`not a job event: ${detail}`);
  }
  return parsed.data;
}

export interface OutgoingJobMessage {
  readonly event: JobEvent;
  /** One group per job keeps a job's events in order; different jobs flow in parallel. */
  readonly messageGroupId: string;
  /** Derived from the trigger, so a retried invocation publishes nothing new. */
  readonly deduplicationId: string;
}

/**
 * The life of one job: created, salary updated, deleted. Ids derive from `triggerId`
 * (the schedule event id), so the same trigger always yields the same messages.
 */
export function jobLifecycle(triggerId: string, now: Date, source: string): OutgoingJobMessage[] {
  const jobId = `job-${triggerId}`;
  const details: Record<JobEventType, Record<string, unknown>> = {
    JobCreated: { title: 'Platform engineer', salary: 100_000 },
    JobSalaryUpdated: { salary: 110_000 },
    JobDeleted: { reason: 'filled' },
  };
  return JOB_EVENT_TYPES.map((eventType, i) => {
    const id = `${triggerId}-${i}`;
    return {
      event: {
        id,
        jobId,
        eventCreated: new Date(now.getTime() + i).toISOString(),
        eventType,
        eventSource: source,
        eventDetails: details[eventType],
      },
      messageGroupId: jobId,
      deduplicationId: id,
    };
  });
}
