import { JobEvent, jobLifecycle, MalformedRecordError, parseJobEvent } from '../../../functions/sns-fifo-jobs/shared/job-event';

describe('jobLifecycle', () => {
  const now = new Date('2026-11-29T10:00:00Z');

  it('creates, updates and deletes one job, in one message group, with one dedup id per event', () => {
    const messages = jobLifecycle('evt-1', now, 'src');
    expect(messages.map((m) => [m.event.eventType, m.messageGroupId, m.deduplicationId, m.event.eventCreated])).toEqual([
      ['JobCreated', 'job-evt-1', 'evt-1-0', '2026-11-29T10:00:00.000Z'],
      ['JobSalaryUpdated', 'job-evt-1', 'evt-1-1', '2026-11-29T10:00:00.001Z'],
      ['JobDeleted', 'job-evt-1', 'evt-1-2', '2026-11-29T10:00:00.002Z'],
    ]);
    for (const m of messages) expect(JobEvent.parse(m.event)).toEqual(m.event);
  });

  it('is deterministic for one trigger, so a retried invocation deduplicates', () => {
    expect(jobLifecycle('evt-1', now, 'src')).toEqual(jobLifecycle('evt-1', now, 'src'));
    expect(jobLifecycle('evt-2', now, 'src')[0].deduplicationId).not.toBe(jobLifecycle('evt-1', now, 'src')[0].deduplicationId);
  });
});

describe('parseJobEvent', () => {
  it('parses a job event', () => {
    const body = JSON.stringify({ id: 'e', jobId: 'j', eventCreated: '2026-11-29T10:00:00.000Z', eventType: 'JobDeleted', eventSource: 's', eventDetails: {} });
    expect(parseJobEvent(body).eventType).toBe('JobDeleted');
  });

  it.each([
    ['not JSON', '{"id": ', 'body is not JSON: {"id": '],
    ['a JSON string', '"hello"', 'not a job event: (root): Invalid input: expected object, received string'],
    [
      'an unknown event type',
      JSON.stringify({ id: 'e', jobId: 'j', eventCreated: '2026-11-29T10:00:00Z', eventType: 'JobArchived', eventSource: 's', eventDetails: {} }),
      'not a job event: eventType: Invalid option: expected one of "JobCreated"|"JobSalaryUpdated"|"JobDeleted"',
    ],
    [
      'a missing jobId and a bad date',
      JSON.stringify({ id: 'e', eventCreated: 'yesterday', eventType: 'JobCreated', eventSource: 's', eventDetails: {} }),
      'not a job event: jobId: Invalid input: expected string, received undefined; eventCreated: Invalid ISO datetime',
    ],
  ])('rejects %s with a message that says what is wrong', (_what, body, message) => {
    expect(() => parseJobEvent(body)).toThrow(new MalformedRecordError(message));
  });
});
