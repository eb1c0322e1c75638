/** The start-job handler against a local moto server, whose Glue enforces MaxConcurrentRuns. */
import { CreateJobCommand, GetJobRunsCommand, GlueClient } from '@aws-sdk/client-glue';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { s3ObjectCreatedEvent, sqsEvent, sqsFifoRecord } from '../../fixtures/aws-events';

let moto: MotoServer;
let glue: GlueClient;
let handler: typeof import('../../../functions/spice-refresh/start-job').handler;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  // Keep runs in STARTING/RUNNING until a test advances them, as a real run of minutes would be.
  await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'glue::job_run', transition: { progression: 'manual', times: 1000 } }),
  });
  glue = new GlueClient(moto.clientConfig);
  await glue.send(
    new CreateJobCommand({
      Name: 'csv-to-parquet',
      Role: 'arn:aws:iam::123456789012:role/glue',
      Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/csv_to_parquet.py' },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
    }),
  );
  Object.assign(process.env, { JOB_NAME: 'csv-to-parquet', RAW_BUCKET: 'raw-bucket', INCOMING_PREFIX: 'incoming/' });
  ({ handler } = await import('../../../functions/spice-refresh/start-job'));
});

afterAll(async () => {
  await moto?.stop();
});

it('starts one run, and hands later uploads back while that run is in progress', async () => {
  const upload = (key: string, id: string) => ({ ...sqsFifoRecord(JSON.stringify(s3ObjectCreatedEvent('raw-bucket', key)), 'g'), messageId: id });
  await expect(handler(sqsEvent(upload('incoming/a.csv', 'm1'), upload('incoming/b.csv', 'm2')))).resolves.toEqual({ batchItemFailures: [] });
  await expect(handler(sqsEvent(upload('incoming/c.csv', 'm3')))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
  const runs = (await glue.send(new GetJobRunsCommand({ JobName: 'csv-to-parquet' }))).JobRuns ?? [];
  expect(runs).toHaveLength(1);
});
