/**
 * The mediator end to end on this machine: REST API (payload 1.0) events in, credentials from
 * Secrets Manager (moto), SOAP calls to a real HTTP server on 127.0.0.1 that answers with recorded
 * XML. Every answer, faults included, is checked against the OpenAPI contract, and no failure is
 * ever a 200.
 */
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { restApiEvent } from '../../fixtures/aws-samples';
import { listen, type LocalServer } from '../../support/browser';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { checkAgainstContract } from './contract';

const recorded = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'legacy-xml', name), 'utf8');

interface Answer {
  status: number;
  file?: string;
  delayMs?: number;
  contentType?: string;
}
/** What the stand-in answers next, by SOAP action; and what it received. */
const answers = new Map<string, Answer>();
const received: Array<{ action: string; body: string; authorization?: string }> = [];

let moto: MotoServer;
let legacy: LocalServer;
let handler: (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => resolve(body));
  });

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  const secret = await new SecretsManagerClient(moto.clientConfig).send(new CreateSecretCommand({ Name: 'legacy-backend', SecretString: JSON.stringify({ username: 'facade', password: 's3cr3t' }) }));
  legacy = await listen((req, res) => {
    void readBody(req).then((body) => {
      const action =
        String(req.headers.soapaction ?? '')
          .replace(/"/g, '')
          .split('#')[1] ?? '';
      received.push({ action, body, authorization: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from('facade:s3cr3t').toString('base64')}`) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      const answer = answers.get(action) ?? { status: 500, file: 'fault-server.xml' };
      const send = () => res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/xml; charset=utf-8' }).end(answer.file ? recorded(answer.file) : '');
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  Object.assign(process.env, { BACKEND_URL: `${legacy.url}/CustomerService.svc`, BACKEND_SECRET_ARN: secret.ARN, BACKEND_TIMEOUT_MS: '400', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  ({ handler } = await import('../../../functions/api-facade/mediator'));
});

afterAll(async () => {
  await legacy?.close();
  await moto?.stop();
});

beforeEach(() => answers.clear());

async function call(method: string, route: string, customerId: string, body?: object) {
  const requestPath = route.replace('{customerId}', customerId);
  const response = await handler(restApiEvent({ method, route, path: requestPath, pathParameters: { customerId }, body }));
  expect(checkAgainstContract(route, method, response)).toEqual([]);
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

it('maps a customer to the promised JSON (ISO dates, status words, money), calling GetCustomer with escaped XML', async () => {
  answers.set('GetCustomer', { status: 200, file: 'get-customer.xml' });
  await expect(call('GET', '/customers/{customerId}', 'C-1001')).resolves.toEqual({
    status: 200,
    body: { id: 'C-1001', name: 'Ana Silva & Filhos', email: 'ana.silva@example.com', status: 'active', customerSince: '2019-03-14', creditLimit: { amount: 2500, currency: 'EUR' } },
  });
  const last = received[received.length - 1];
  expect(last.action).toBe('GetCustomer');
  expect(last.body).toContain('<c:GetCustomer><c:CustomerId>C-1001</c:CustomerId></c:GetCustomer>');
});

it('maps an absent email and credit limit to null, with other namespace prefixes', async () => {
  answers.set('GetCustomer', { status: 200, file: 'get-customer-no-email.xml' });
  await expect(call('GET', '/customers/{customerId}', 'C-2002')).resolves.toMatchObject({
    status: 200,
    body: { id: 'C-2002', email: null, status: 'suspended', creditLimit: null, customerSince: '2021-07-01' },
  });
});

it.each([
  ['three orders', 'list-orders.xml', ['SO-88121', 'SO-87002', 'SO-86100']],
  ['one order', 'list-orders-one.xml', ['SO-90001']],
  ['no orders', 'list-orders-empty.xml', []],
])('lists %s as an array', async (_what, file, numbers) => {
  answers.set('ListOrders', { status: 200, file });
  const { status, body } = await call('GET', '/customers/{customerId}/orders', 'C-1001');
  expect(status).toBe(200);
  expect(body.orders.map((o: { number: string }) => o.number)).toEqual(numbers);
  if (numbers.length === 3) expect(body.orders[1]).toEqual({ number: 'SO-87002', date: '2026-10-11', total: { amount: 19.99, currency: 'USD' }, state: 'delivered' });
});

it('updates an email through UpdateCustomerEmail, escaping what the caller sent', async () => {
  answers.set('UpdateCustomerEmail', { status: 200, file: 'update-email.xml' });
  await expect(call('PATCH', '/customers/{customerId}', 'C-1001', { email: 'ana@new.example.com' })).resolves.toMatchObject({ status: 200, body: { email: 'ana@new.example.com' } });
  expect(received[received.length - 1].body).toContain('<c:Email>ana@new.example.com</c:Email>');
});

it.each([
  ['a not-found fault (HTTP 500 with a SOAP fault)', { status: 500, file: 'fault-not-found.xml' }, 404, 'NotFound'],
  ['another client fault', { status: 500, file: 'fault-client.xml' }, 400, 'BadRequest'],
  ['a server fault', { status: 500, file: 'fault-server.xml' }, 502, 'BadGateway'],
  ['an HTTP 500 with an HTML page', { status: 500, file: 'html-error.html', contentType: 'text/html' }, 502, 'BadGateway'],
  ['an HTTP 503 (maintenance)', { status: 503 }, 503, 'ServiceUnavailable'],
  ['malformed XML', { status: 200, file: 'malformed.xml' }, 502, 'BadGateway'],
  ['a customer without its required fields', { status: 200, file: 'missing-fields.xml' }, 502, 'BadGateway'],
  ['an answer slower than the timeout', { status: 200, file: 'get-customer.xml', delayMs: 1500 }, 504, 'GatewayTimeout'],
])('turns %s into a JSON %i, never a 200', async (_what, answer, status, code) => {
  answers.set('GetCustomer', answer);
  await expect(call('GET', '/customers/{customerId}', 'C-9999')).resolves.toMatchObject({ status, body: { error: { code } } });
});

it('turns a taken address into 409', async () => {
  answers.set('UpdateCustomerEmail', { status: 500, file: 'fault-email-taken.xml' });
  await expect(call('PATCH', '/customers/{customerId}', 'C-1001', { email: 'bruno@example.com' })).resolves.toMatchObject({ status: 409, body: { error: { code: 'Conflict' } } });
});

it('refuses a bad customerId or body with 400 and never calls the legacy service', async () => {
  const before = received.length;
  await expect(call('GET', '/customers/{customerId}', "C-1'; DROP")).resolves.toMatchObject({ status: 400 });
  await expect(call('PATCH', '/customers/{customerId}', 'C-1001', { email: 'not-an-address' })).resolves.toMatchObject({ status: 400, body: { error: { code: 'ValidationError' } } });
  await expect(call('PATCH', '/customers/{customerId}', 'C-1001', { email: 'a@example.com', admin: true })).resolves.toMatchObject({ status: 400 });
  expect(received.length).toBe(before);
});

it('answers 502 when the legacy service is unreachable', async () => {
  const url = process.env.BACKEND_URL;
  process.env.BACKEND_URL = 'http://127.0.0.1:1/CustomerService.svc';
  try {
    await expect(call('GET', '/customers/{customerId}', 'C-1001')).resolves.toMatchObject({ status: 502, body: { error: { code: 'BadGateway' } } });
  } finally {
    process.env.BACKEND_URL = url;
  }
});

it('answers a request that is no API Gateway event with a JSON 400', async () => {
  const response = await handler({ hello: 'world' });
  expect([response.statusCode, JSON.parse(response.body).error.code]).toEqual([400, 'BadRequest']);
});
