import { ConcurrentRunsExceededException, GlueClient, InternalServiceException, StartJobRunCommand } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/spice-refresh/start-job';
import { parseUpload } from '../../../functions/shared/s3-uploads';
import { s3ObjectCreatedEvent, sqsEvent, sqsFifoRecord } from '../../fixtures/aws-events';

const expected = { bucket: 'raw-bucket', prefix: 'incoming/', suffix: '.csv' };
const record = (body: unknown, id: string) => ({ ...sqsFifoRecord(typeof body === 'string' ? body : JSON.stringify(body), 'g'), messageId: id });

describe('parseUpload', () => {
  it('reads an EventBridge S3 event, decoding the key', () => {
    expect(parseUpload(JSON.stringify(s3ObjectCreatedEvent('raw-bucket', 'incoming/fhv+tripdata%282020-03%29.csv', 42)), expected)).toEqual({
      ok: true,
      upload: { bucket: 'raw-bucket', key: 'incoming/fhv tripdata(2020-03).csv', size: 42 },
    });
  });

  it.each([
    ['not JSON', '{', 'body is not JSON'],
    ['another event', JSON.stringify({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }), 'not an S3 Object Created event'],
    ['no key', JSON.stringify({ ...s3ObjectCreatedEvent('raw-bucket', 'x'), detail: { bucket: { name: 'raw-bucket' } } }), /object.key is missing/],
    ['another bucket', JSON.stringify(s3ObjectCreatedEvent('other', 'incoming/a.csv')), /object is in bucket other, not /],
    ['outside the prefix', JSON.stringify(s3ObjectCreatedEvent('raw-bucket', 'other/a.csv')), /is not incoming\/\*\.csv/],
    ['not a CSV', JSON.stringify(s3ObjectCreatedEvent('raw-bucket', 'incoming/a.parquet')), /is not incoming\/\*\.csv/],
    [
      'a key that is not valid URL encoding',
      JSON.stringify(s3ObjectCreatedEvent('raw-bucket', 'incoming/100%.csv')),
      'object key "incoming/100%.csv" is not valid URL encoding (S3 encodes keys in events; a literal "%" arrives as "%25")',
    ],
  ])('refuses %s', (_n, body, reason) => {
    const r = parseUpload(body, expected);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });
});

describe('start-job handler (SDK mocked)', () => {
  const glue = mockClient(GlueClient);
  beforeEach(() => {
    glue.reset();
    glue.on(StartJobRunCommand).resolves({ JobRunId: 'jr_1' });
    Object.assign(process.env, { JOB_NAME: 'spice-refresh-csv-to-parquet', RAW_BUCKET: 'raw-bucket', INCOMING_PREFIX: 'incoming/' });
  });

  it('starts one run for a burst of uploads', async () => {
    const event = sqsEvent(...['a', 'b', 'c'].map((n, i) => record(s3ObjectCreatedEvent('raw-bucket', `incoming/${n}.csv`), `m${i}`)));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(glue.commandCalls(StartJobRunCommand).map((c) => c.args[0].input)).toEqual([{ JobName: 'spice-refresh-csv-to-parquet' }]);
  });

  it('fails only the record that is not an upload, so it reaches the DLQ', async () => {
    const event = sqsEvent(record(s3ObjectCreatedEvent('raw-bucket', 'incoming/a.csv'), 'good'), record('garbage', 'bad'));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(glue.commandCalls(StartJobRunCommand)).toHaveLength(1);
  });

  it('fails only the record whose key is not valid URL encoding; the batch goes on', async () => {
    const event = sqsEvent(record(s3ObjectCreatedEvent('raw-bucket', 'incoming/100%.csv'), 'bad-key'), record(s3ObjectCreatedEvent('raw-bucket', 'incoming/100%25.csv'), 'good'));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-key' }] });
    expect(glue.commandCalls(StartJobRunCommand)).toHaveLength(1);
  });

  it('hands the uploads back to the queue while a run is in progress', async () => {
    glue.on(StartJobRunCommand).rejects(new ConcurrentRunsExceededException({ message: 'already running', $metadata: {} }));
    const event = sqsEvent(record(s3ObjectCreatedEvent('raw-bucket', 'incoming/a.csv'), 'm1'), record(s3ObjectCreatedEvent('raw-bucket', 'incoming/b.csv'), 'm2'));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
  });

  it('fails the whole invocation on any other Glue error, so the batch is retried', async () => {
    glue.on(StartJobRunCommand).rejects(new InternalServiceException({ message: 'boom', $metadata: {} }));
    await expect(handler(sqsEvent(record(s3ObjectCreatedEvent('raw-bucket', 'incoming/a.csv'), 'm1')))).rejects.toThrow('boom');
  });

  it('starts nothing when no record is an upload', async () => {
    await expect(handler(sqsEvent(record('{}', 'x')))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'x' }] });
    expect(glue.calls()).toHaveLength(0);
  });

  it('refuses an event that is not from SQS', async () => {
    await expect(handler({} as never)).rejects.toThrow('Records is missing');
  });
});
