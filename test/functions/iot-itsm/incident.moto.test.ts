/**
 * The incident function end to end: the ServiceNow secret from moto Secrets Manager, the dedupe
 * records in a moto DynamoDB table (Powertools idempotency), and a local HTTP server on 127.0.0.1
 * standing in for ServiceNow's Table API with scripted answers: 201, 401, 429, 500 and no answer.
 */
import type * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { listen, type LocalServer } from '../../support/browser';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

const TABLE = 'iot-itsm-dedupe';
const published = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'iot-itsm', 'anomaly.json'), 'utf8')) as Record<string, unknown>;
const context = { getRemainingTimeInMillis: () => 30_000, functionName: 'iot-itsm-incident', awsRequestId: 'req-1' } as unknown as Context;

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';
interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, string>;
}

let moto: MotoServer;
let servicenow: LocalServer;
let secretArn: string;
let secrets: SecretsManagerClient;
let dynamodb: DynamoDBClient;
let answers: Answer[] = [];
let received: Received[] = [];
let incidents = 0;
let handler: (event: unknown, context: Context) => Promise<{ key: string; incident: string; sysId: string }>;

const serviceNowStandIn: http.RequestListener = (req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    received.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: JSON.parse(raw) as Record<string, string> });
    const answer = answers.shift() ?? { status: 201 };
    if (answer === 'hang') return; // never answers: the caller's timeout has to end it
    const body = answer.body ?? (answer.status === 201 ? { result: { number: `INC00${++incidents}`, sys_id: `sys-${incidents}` } } : { error: { message: 'scripted' } });
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(body));
  });
};

function anomaly(deviceId: string, timestamp = Date.parse('2026-12-03T10:02:00Z')) {
  return { ...published, deviceId, timestamp, topic: 'IoTBlog/anomaly' };
}

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  servicenow = await listen(serviceNowStandIn);
  secrets = new SecretsManagerClient(moto.clientConfig);
  dynamodb = new DynamoDBClient(moto.clientConfig);
  secretArn = (
    await secrets.send(new CreateSecretCommand({ Name: 'iot-itsm/servicenow', SecretString: JSON.stringify({ instanceUrl: `${servicenow.url}/`, username: 'iot.bot', password: 's3cret' }) }))
  ).ARN!;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  Object.assign(process.env, {
    DEDUPE_TABLE: TABLE,
    SERVICENOW_SECRET_ARN: secretArn,
    DEDUPE_WINDOW_MINUTES: '15',
    SERVICENOW_BASE_DELAY_MS: '5',
    SERVICENOW_TIMEOUT_MS: '300',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = await import('../../../functions/iot-itsm/incident/index'));
});
afterAll(async () => {
  await servicenow?.close();
  await moto?.stop();
});
beforeEach(() => {
  answers = [];
  received = [];
});

describe('iot-itsm incident function', () => {
  it('opens an incident with basic auth from the secret; 201 is created', async () => {
    await expect(handler(anomaly('press-1'), context)).resolves.toEqual({ key: 'press-1#2026-12-03T10:00:00.000Z', incident: expect.stringMatching(/^INC/), sysId: expect.any(String) });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/now/table/incident', authorization: `Basic ${Buffer.from('iot.bot:s3cret').toString('base64')}` });
    expect(received[0].body).toMatchObject({ correlation_id: 'press-1#2026-12-03T10:00:00.000Z', short_description: 'IoT anomaly on press-1: temperature 33.2 > 30' });
  });

  it('opens one incident for one burst, and a new one in the next window', async () => {
    const before = (await dynamodb.send(new ScanCommand({ TableName: TABLE }))).Items!.length;
    const burst = [0, 1, 2, 3, 4].map((minute) => anomaly('press-2', Date.parse(`2026-12-03T10:0${minute}:30Z`)));
    const first = await handler(burst[0], context);
    for (const again of burst.slice(1)) await expect(handler(again, context)).resolves.toEqual(first);
    expect(received).toHaveLength(1);
    const next = await handler(anomaly('press-2', Date.parse('2026-12-03T10:16:00Z')), context);
    expect(next.incident).not.toBe(first.incident);
    expect(received).toHaveLength(2);
    // One dedupe record per window (Powertools stores a hash of the key), both completed.
    const records = (await dynamodb.send(new ScanCommand({ TableName: TABLE }))).Items!;
    expect(records).toHaveLength(before + 2);
    expect(new Set(records.map((item) => item.status.S))).toEqual(new Set(['COMPLETED']));
  });

  it('lets concurrent deliveries of one burst through only once; the others are retried by Lambda', async () => {
    answers = [{ status: 201 }];
    const results = await Promise.allSettled([0, 1, 2].map(() => handler(anomaly('press-3'), context)));
    expect(received).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of rejected) expect((r.reason as Error).name).toBe('IdempotencyAlreadyInProgressError');
    const created = results.find((r) => r.status === 'fulfilled')!;
    // Lambda's retry of a rejected one now returns the incident already opened.
    await expect(handler(anomaly('press-3'), context)).resolves.toEqual((created as PromiseFulfilledResult<unknown>).value);
    expect(received).toHaveLength(1);
  });

  it('retries 429 (honouring Retry-After) and 5xx with back-off, then creates', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '0' } }, { status: 500 }, { status: 503 }, { status: 201 }];
    await expect(handler(anomaly('press-4'), context)).resolves.toMatchObject({ incident: expect.stringMatching(/^INC/) });
    expect(received).toHaveLength(4);
  });

  it('gives up after the bounded attempts, and the event can be retried', async () => {
    answers = [{ status: 500 }, { status: 502 }, { status: 500 }, { status: 504 }];
    await expect(handler(anomaly('press-5'), context)).rejects.toThrow('ServiceNow answered 504 to POST');
    await expect(handler(anomaly('press-5'), context)).resolves.toMatchObject({ incident: expect.stringMatching(/^INC/) });
    expect(received).toHaveLength(5);
  });

  it('does not retry 401: bad credentials fail at once, and a fixed secret works on the next delivery', async () => {
    answers = [{ status: 401, body: { error: { message: 'User Not Authenticated' } } }];
    await expect(handler(anomaly('press-6'), context)).rejects.toThrow('ServiceNow answered 401');
    expect(received).toHaveLength(1);
    await expect(handler(anomaly('press-6'), context)).resolves.toMatchObject({ incident: expect.stringMatching(/^INC/) });
  });

  it('times out a ServiceNow that does not answer, and retries', async () => {
    answers = ['hang', { status: 201 }];
    await expect(handler(anomaly('press-7'), context)).resolves.toMatchObject({ incident: expect.stringMatching(/^INC/) });
    expect(received).toHaveLength(2);
    answers = ['hang', 'hang', 'hang', 'hang'];
    await expect(handler(anomaly('press-8'), context)).rejects.toThrow(/POST .* failed: .*(timeout|aborted).*gave up after 4 attempts/i);
  });

  it('refuses a malformed event without calling ServiceNow', async () => {
    await expect(handler({ deviceId: 'press-9', temperature: 'hot' }, context)).rejects.toThrow('not an anomaly from IoTBlog/anomaly');
    expect(received).toHaveLength(0);
  });

  it('says what the secret must hold when it holds something else', async () => {
    jest.resetModules();
    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ url: servicenow.url, user: 'x' }) }));
    const fresh = (await import('../../../functions/iot-itsm/incident/index')) as { handler: typeof handler };
    await expect(fresh.handler(anomaly('press-10'), context)).rejects.toThrow('the ServiceNow secret must be {"instanceUrl", "username", "password"}');
    expect(received).toHaveLength(0);
    // The stack's own secret, not filled in yet.
    await secrets.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ instanceUrl: 'https://your-instance.service-now.com', username: 'iot-itsm', password: 'generated' }) }),
    );
    jest.resetModules();
    const unfilled = (await import('../../../functions/iot-itsm/incident/index')) as { handler: typeof handler };
    await expect(unfilled.handler(anomaly('press-11'), context)).rejects.toThrow('still names your-instance.service-now.com: put your instance URL');
  });
});
