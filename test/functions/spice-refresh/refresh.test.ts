/**
 * CreateIngestion is tested with aws-sdk-client-mock: moto's QuickSight CreateIngestion keeps no
 * state, so it cannot answer a repeated ingestion id with ResourceExistsException as QuickSight does.
 */
import { CreateIngestionCommand, QuickSightClient, ResourceExistsException, ThrottlingException } from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/spice-refresh/refresh';
import { ingestionId, parseDatasetMap, parseJobStateChange, plannedIngestions } from '../../../functions/spice-refresh/refresh/ingestions';
import { MalformedEventError } from '../../../functions/shared/malformed-event';
import { glueJobStateChange } from '../../fixtures/aws-events';

const JOB = 'spice-refresh-csv-to-parquet';

describe('planning ingestions', () => {
  it('refreshes every dataset mapped to the job once, with ids valid for QuickSight and stable per run', () => {
    const change = parseJobStateChange(glueJobStateChange(JOB, 'SUCCEEDED'));
    const planned = plannedIngestions(change, { [JOB]: ['trips', 'zones', 'trips'], other: ['x'] });
    expect(planned.map((p) => p.dataSetId)).toEqual(['trips', 'zones']);
    for (const p of planned) expect(p.ingestionId).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    expect(planned[0].ingestionId).not.toBe(planned[1].ingestionId);
    expect(ingestionId(change.jobRunId, 'trips')).toBe(planned[0].ingestionId);
    expect(ingestionId('jr_other', 'trips')).not.toBe(planned[0].ingestionId);
  });

  it('refreshes nothing for a state other than SUCCEEDED or a job with no datasets', () => {
    expect(plannedIngestions(parseJobStateChange(glueJobStateChange(JOB, 'FAILED')), { [JOB]: ['trips'] })).toEqual([]);
    expect(plannedIngestions(parseJobStateChange(glueJobStateChange('unmapped', 'SUCCEEDED')), { [JOB]: ['trips'] })).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an S3 event', { source: 'aws.s3', 'detail-type': 'Object Created' }],
    ['no run id', { ...glueJobStateChange(JOB, 'SUCCEEDED'), detail: { jobName: JOB, state: 'SUCCEEDED' } }],
    ['an 11-digit account', { ...glueJobStateChange(JOB, 'SUCCEEDED'), account: '44444444444' }],
  ])('refuses %s', (_n, event) => {
    expect(() => parseJobStateChange(event)).toThrow(MalformedEventError);
  });

  it('refuses a dataset map of the wrong shape', () => {
    expect(() => parseDatasetMap('[]')).toThrow(/JSON object/);
    expect(() => parseDatasetMap('{"job":"trips"}')).toThrow('DATASET_MAP.job must be a list of dataset ids');
    expect(parseDatasetMap(undefined)).toEqual({});
  });
});

describe('refresh handler (SDK mocked)', () => {
  const qs = mockClient(QuickSightClient);
  beforeEach(() => {
    qs.reset();
    qs.on(CreateIngestionCommand).resolves({ Status: 200, IngestionStatus: 'INITIALIZED' });
    process.env.DATASET_MAP = JSON.stringify({ [JOB]: ['trips', 'zones'] });
  });

  it("starts a full refresh of each mapped dataset in the event's account", async () => {
    await expect(handler(glueJobStateChange(JOB, 'SUCCEEDED'))).resolves.toMatchObject({ started: ['trips', 'zones'], alreadyStarted: [] });
    expect(qs.commandCalls(CreateIngestionCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ AwsAccountId: '444444444444', DataSetId: 'trips', IngestionType: 'FULL_REFRESH' }),
      expect.objectContaining({ AwsAccountId: '444444444444', DataSetId: 'zones', IngestionType: 'FULL_REFRESH' }),
    ]);
  });

  it('does nothing new for a repeated event: the ingestion already exists', async () => {
    qs.on(CreateIngestionCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    await expect(handler(glueJobStateChange(JOB, 'SUCCEEDED'))).resolves.toMatchObject({ started: [], alreadyStarted: ['trips', 'zones'] });
  });

  it('fails on throttling, and the retry skips the dataset already started', async () => {
    qs.on(CreateIngestionCommand, { DataSetId: 'zones' }).rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(handler(glueJobStateChange(JOB, 'SUCCEEDED'))).rejects.toThrow('slow down');
    qs.on(CreateIngestionCommand, { DataSetId: 'trips' }).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    qs.on(CreateIngestionCommand, { DataSetId: 'zones' }).resolves({ Status: 200 });
    await expect(handler(glueJobStateChange(JOB, 'SUCCEEDED'))).resolves.toMatchObject({ started: ['zones'], alreadyStarted: ['trips'] });
  });

  it('refuses a malformed event and calls nothing', async () => {
    await expect(handler({ source: 'aws.glue' })).rejects.toThrow(MalformedEventError);
    expect(qs.calls()).toHaveLength(0);
  });
});
