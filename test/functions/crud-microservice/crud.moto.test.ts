/**
 * The five CRUD functions against a local moto DynamoDB, on HTTP API payload 2.0 events with JWT
 * claims: real status codes, conditional writes (a patch or delete of a missing item is a 404, a
 * second create of an id a 409), pagination to the last page.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { httpApiEvent, type RequestSpec } from '../../fixtures/aws-samples';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

type Handler = (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
let moto: MotoServer;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  await new DynamoDBClient(moto.clientConfig).send(
    new CreateTableCommand({
      TableName: 'items',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  process.env.TABLE_NAME = 'items';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  for (const fn of ['list', 'get', 'create', 'patch', 'delete']) handlers[fn] = (await import(`../../../functions/crud-microservice/${fn}`)).handler as Handler;
});

afterAll(async () => {
  await moto?.stop();
});

async function call(fn: string, spec: RequestSpec) {
  const response = await handlers[fn](httpApiEvent({ claims: { sub: 'user-1', 'cognito:username': 'ana' }, ...spec }));
  return { status: response.statusCode, headers: response.headers, body: response.body ? JSON.parse(response.body) : undefined };
}

it('creates (201 with Location), reads (200), patches (200), deletes (204), then 404s', async () => {
  const created = await call('create', { method: 'POST', route: '/', body: { Title: 'Write the runbook', Priority: 2 } });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ id: expect.any(String), Title: 'Write the runbook', Priority: 2, CreateDate: expect.any(String), CreatedBy: 'user-1' });
  const id = created.body.id as string;
  expect(created.headers.location).toBe(`/${id}`);

  const path = { route: '/{id}', path: `/${id}`, pathParameters: { id } };
  await expect(call('get', { method: 'GET', ...path })).resolves.toMatchObject({ status: 200, body: { id, Title: 'Write the runbook' } });
  await expect(call('patch', { method: 'PATCH', ...path, body: { Priority: 1 } })).resolves.toMatchObject({ status: 200, body: { id, Title: 'Write the runbook', Priority: 1 } });
  const deleted = await call('delete', { method: 'DELETE', ...path });
  expect([deleted.status, deleted.body]).toEqual([204, undefined]);
  await expect(call('get', { method: 'GET', ...path })).resolves.toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
  await expect(call('delete', { method: 'DELETE', ...path })).resolves.toMatchObject({ status: 404 });
});

it('never creates by patching: a patch of a missing id is a 404 and leaves no item', async () => {
  const id = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
  const path = { route: '/{id}', path: `/${id}`, pathParameters: { id } };
  await expect(call('patch', { method: 'PATCH', ...path, body: { Title: 'ghost' } })).resolves.toMatchObject({ status: 404 });
  await expect(call('get', { method: 'GET', ...path })).resolves.toMatchObject({ status: 404 });
});

it('answers 409 to a second create of the same id and keeps the first', async () => {
  const id = '0a5c2f1e-7c1b-4a8e-9a55-1f0e2d3c4b5a';
  await expect(call('create', { method: 'POST', route: '/', body: { id, Title: 'first' } })).resolves.toMatchObject({ status: 201 });
  await expect(call('create', { method: 'POST', route: '/', body: { id, Title: 'second' } })).resolves.toMatchObject({ status: 409, body: { error: { code: 'Conflict' } } });
  await expect(call('get', { method: 'GET', route: '/{id}', pathParameters: { id } })).resolves.toMatchObject({ body: { Title: 'first' } });
});

it('answers 400 to bad bodies and ids, 401 without a subject, and changes nothing', async () => {
  await expect(call('create', { method: 'POST', route: '/', body: { Title: 'x', Priority: 0 } })).resolves.toMatchObject({ status: 400, body: { error: { code: 'ValidationError' } } });
  await expect(call('create', { method: 'POST', route: '/', body: '{not json' })).resolves.toMatchObject({ status: 400 });
  await expect(call('get', { method: 'GET', route: '/{id}', pathParameters: { id: 'nope' } })).resolves.toMatchObject({ status: 400 });
  await expect(call('create', { method: 'POST', route: '/', body: { Title: 'anonymous' }, claims: {} })).resolves.toMatchObject({ status: 401 });
  const all = await call('list', { method: 'GET', route: '/', query: { limit: '100' } });
  expect(all.body.items.map((i: { Title: string }) => i.Title)).not.toContain('anonymous');
});

it('lists every item across pages, each once', async () => {
  for (let i = 0; i < 7; i++) await call('create', { method: 'POST', route: '/', body: { Title: `page item ${i}` } });
  const seen: string[] = [];
  let next: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page = await call('list', { method: 'GET', route: '/', query: { limit: '3', ...(next ? { next } : {}) } });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(3);
    seen.push(...page.body.items.map((i: { Title: string }) => i.Title));
    next = page.body.next;
    if (!next) break;
  }
  expect(next).toBeNull();
  const pageItems = seen.filter((t) => t.startsWith('page item'));
  expect(pageItems.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `page item ${i}`));
});

it('answers a request that is no API Gateway event with a JSON 400, not a crash', async () => {
  const response = await handlers.get({ Records: [] });
  expect(response.statusCode).toBe(400);
  expect(JSON.parse(response.body).error.code).toBe('BadRequest');
});
