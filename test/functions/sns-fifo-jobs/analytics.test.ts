import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/sns-fifo-jobs/analytics';
import { jobEventBody, sqsEvent, sqsFifoRecord } from '../../fixtures/aws-events';

const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  process.env.BUCKET_NAME = 'analytics-bucket';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const bodies = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

describe('analytics consumer', () => {
  it('writes the batch in order, one JSON-lines object per event date', async () => {
    const event = sqsEvent(
      sqsFifoRecord(jobEventBody('job-a', 'JobCreated', '2026-11-28T23:59:59.000Z'), 'job-a'),
      sqsFifoRecord(jobEventBody('job-a', 'JobSalaryUpdated', '2026-11-29T00:00:01.000Z'), 'job-a'),
      sqsFifoRecord(jobEventBody('job-b', 'JobCreated', '2026-11-29T00:00:02.000Z'), 'job-b'),
    );
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    const puts = bodies();
    expect(puts.map((p) => p.Key)).toEqual([expect.stringMatching(/^jobs\/dt=2026-11-28\/[0-9a-f]{20}\.jsonl$/), expect.stringMatching(/^jobs\/dt=2026-11-29\/[0-9a-f]{20}\.jsonl$/)]);
    expect(puts.every((p) => p.Bucket === 'analytics-bucket')).toBe(true);
    const lines = String(puts[1].Body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.jobId, l.eventType])).toEqual([
      ['job-a', 'JobSalaryUpdated'],
      ['job-b', 'JobCreated'],
    ]);
  });

  it('fails a malformed record and the rest of its group only; other groups are written', async () => {
    const a1 = sqsFifoRecord(jobEventBody('job-a', 'JobCreated', '2026-11-29T01:00:00.000Z'), 'job-a');
    const a2 = sqsFifoRecord('{"jobId": "job-a", "eventType": ', 'job-a');
    const a3 = sqsFifoRecord(jobEventBody('job-a', 'JobDeleted', '2026-11-29T01:00:02.000Z'), 'job-a');
    const b1 = sqsFifoRecord(jobEventBody('job-b', 'JobCreated', '2026-11-29T01:00:03.000Z'), 'job-b');
    const c1 = sqsFifoRecord(JSON.stringify({ jobId: 'job-c' }), 'job-c');
    const response = await handler(sqsEvent(a1, a2, a3, b1, c1));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: a2.messageId }, { itemIdentifier: a3.messageId }, { itemIdentifier: c1.messageId }]);
    const written = String(bodies()[0].Body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(written).toEqual(['job-a-JobCreated', 'job-b-JobCreated']);
  });

  it('rewrites the same object when the same batch is delivered again', async () => {
    const event = sqsEvent(sqsFifoRecord(jobEventBody('job-a', 'JobCreated', '2026-11-29T01:00:00.000Z'), 'job-a', { messageId: 'fixed-1' }));
    await handler(event);
    await handler(event);
    const [first, second] = bodies();
    expect(second.Key).toBe(first.Key);
    expect(second.Body).toBe(first.Body);
  });

  it('fails the whole batch when S3 fails, so nothing is lost', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    await expect(handler(sqsEvent(sqsFifoRecord(jobEventBody('job-a', 'JobCreated', '2026-11-29T01:00:00.000Z'), 'job-a')))).rejects.toThrow('SlowDown');
  });

  it('reports every record when all are malformed, as batchItemFailures (not FullBatchFailureError), and writes nothing', async () => {
    const r1 = sqsFifoRecord('oops', 'g1');
    const r2 = sqsFifoRecord('', 'g2');
    await expect(handler(sqsEvent(r1, r2))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: r1.messageId }, { itemIdentifier: r2.messageId }] });
    expect(bodies()).toEqual([]);
  });

  it('rejects an event that is not from SQS', async () => {
    await expect(handler({} as never)).rejects.toThrow('not an SQS event: Records is missing');
  });
});
