/**
 * The sync handler end to end against a local moto server (S3, Secrets Manager, SNS → SQS), with
 * the DAP API answered by recorded shapes: new files, unchanged files, and a failed download that
 * is retried and reported, never skipped.
 */
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { gunzipSync } from 'node:zlib';
import { DAP_URL, DapWorld } from '../../../worlds/dap-world';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

let moto: MotoServer;
let s3: S3Client;
let sqs: SQSClient;
let queueUrl: string;
let handler: ReturnType<typeof import('../../../functions/data-lake/sync').createHandler>;
const world = new DapWorld();
const context = { getRemainingTimeInMillis: () => 600_000 };

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  sqs = new SQSClient(moto.clientConfig);
  const sns = new SNSClient(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: 'raw-zone' }));
  const secret = await new SecretsManagerClient(moto.clientConfig).send(
    new CreateSecretCommand({ Name: 'data-lake/dap', SecretString: JSON.stringify({ clientId: world.clientId, clientSecret: world.clientSecret }) }),
  );
  const topic = await sns.send(new CreateTopicCommand({ Name: 'load-summary' }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'summary-reader' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  Object.assign(process.env, {
    RAW_BUCKET: 'raw-zone',
    SECRET_ARN: secret.ARN,
    TOPIC_ARN: topic.TopicArn,
    TABLES: 'courses,enrollments',
    NAMESPACE: 'canvas',
    PREFIX: 'lms/',
    DAP_BASE_URL: DAP_URL,
    POLL_INTERVAL_MS: '0',
  });
  world.window('courses', undefined, { at: '2026-11-28T00:00:00Z', objects: ['part-00000-courses-a', 'part-00001-courses-b'] });
  world.window('enrollments', undefined, { at: '2026-11-28T00:00:00Z', objects: ['part-00000-enrollments-a'] });
  world.window('courses', '2026-11-28T00:00:00Z', { until: '2026-11-29T00:00:00Z', objects: ['part-00000-courses-c'] });
  world.window('enrollments', '2026-11-28T00:00:00Z', { until: '2026-11-29T00:00:00Z', objects: ['part-00000-enrollments-d', 'part-00001-enrollments-e'] });
  world.install();
  // Path-style S3 addressing: the local server has no per-bucket host names.
  const { createHandler } = await import('../../../functions/data-lake/sync');
  handler = createHandler(s3, sns, async () => undefined);
});

afterAll(async () => {
  world.uninstall();
  await moto?.stop();
});

beforeEach(() => clearCaches());

async function summaries(): Promise<string[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).map((m) => m.Body!);
}
const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: 'raw-zone' }))).Contents ?? []).map((o) => o.Key!).sort();

it('loads snapshots, then changes; reports and retries a failed download; never downloads a stored file twice', async () => {
  // Run 1: snapshots of both tables.
  const first = await handler({}, context);
  expect(first.results.map((r) => [r.table, r.status, r.mode, r.newFiles])).toEqual([
    ['courses', 'synced', 'snapshot', 2],
    ['enrollments', 'synced', 'snapshot', 1],
  ]);
  const stored = await s3.send(new GetObjectCommand({ Bucket: 'raw-zone', Key: 'lms/canvas/courses/job=courses-snapshot/part-00000-courses-a.jsonl.gz' }));
  const firstLine = JSON.parse(
    gunzipSync(Buffer.from(await stored.Body!.transformToByteArray()))
      .toString()
      .split('\n')[0],
  );
  expect(firstLine).toMatchObject({ meta: { action: 'U' }, key: { id: 'part-00000-courses-a-1' } });
  expect(await summaries()).toEqual([expect.stringContaining('courses: synced (snapshot), 2 new, 0 unchanged')]);

  // Run 2: one enrollments file cannot be downloaded. The run fails loudly, the summary says which file.
  world.broken.add('part-00001-enrollments-e');
  await expect(handler({}, context)).rejects.toThrow('1 table(s) failed: enrollments');
  const [failedSummary] = await summaries();
  expect(failedSummary).toMatch(/enrollments: failed \(incremental\), 1 new, 0 unchanged[\s\S]*file part-00001-enrollments-e: GET object \/part-00001-enrollments-e answered HTTP 500/);
  const state = await s3.send(new GetObjectCommand({ Bucket: 'raw-zone', Key: '_state/canvas/enrollments.json' }));
  expect(JSON.parse(await state.Body!.transformToString())).toMatchObject({ until: '2026-11-28T00:00:00Z' });

  // Run 3: the same window again; the file stored last time is unchanged, the missing one arrives.
  world.broken.clear();
  const third = await handler({}, context);
  expect(third.results.find((r) => r.table === 'enrollments')).toMatchObject({ status: 'synced', newFiles: 1, unchangedFiles: 1, until: '2026-11-29T00:00:00Z' });
  expect(third.results.find((r) => r.table === 'courses')).toMatchObject({ status: 'synced', mode: 'incremental', newFiles: 0, unchangedFiles: 0 });
  expect(world.calls.filter((c) => c === 'GET /part-00000-enrollments-d')).toHaveLength(1);
  expect(await keys()).toEqual([
    '_state/canvas/courses.json',
    '_state/canvas/enrollments.json',
    'lms/canvas/courses/job=courses-2026-11-28T000000Z/part-00000-courses-c.jsonl.gz',
    'lms/canvas/courses/job=courses-snapshot/part-00000-courses-a.jsonl.gz',
    'lms/canvas/courses/job=courses-snapshot/part-00001-courses-b.jsonl.gz',
    'lms/canvas/enrollments/job=enrollments-2026-11-28T000000Z/part-00000-enrollments-d.jsonl.gz',
    'lms/canvas/enrollments/job=enrollments-2026-11-28T000000Z/part-00001-enrollments-e.jsonl.gz',
    'lms/canvas/enrollments/job=enrollments-snapshot/part-00000-enrollments-a.jsonl.gz',
  ]);
});

it('refuses a secret without DAP client credentials, calling DAP for nothing', async () => {
  const bad = await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({ Name: 'data-lake/bad', SecretString: JSON.stringify({ user: 'x' }) }));
  process.env.SECRET_ARN = bad.ARN;
  const calls = world.calls.length;
  await expect(handler({}, context)).rejects.toThrow('must be JSON with clientId and clientSecret');
  expect(world.calls.length).toBe(calls);
});

it("says so when the credentials secret still holds the stack's placeholder", async () => {
  const placeholder = await new SecretsManagerClient(moto.clientConfig).send(
    new CreateSecretCommand({ Name: 'data-lake/placeholder', SecretString: JSON.stringify({ clientId: 'REPLACE_ME', clientSecret: 'generated' }) }),
  );
  process.env.SECRET_ARN = placeholder.ARN;
  await expect(handler({}, context)).rejects.toThrow('still holds the placeholder');
});
