/** The SOAP messages and the mapping on their own: escaping, parsing the recorded answers, and every failure's status. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failureToHttp, isoDate } from '../../../functions/api-facade/mediator/mapping';
import { LegacyFault, MalformedAnswer, parseCustomer, parseOrders, requestEnvelope } from '../../../functions/api-facade/mediator/soap';
import { XMLValidator } from 'fast-xml-parser';

const recorded = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'legacy-xml', name), 'utf8');

it('escapes what callers send, so a value cannot add elements', () => {
  const xml = requestEnvelope({ name: 'UpdateCustomerEmail', customerId: 'C-1001', email: 'a</c:Email><c:Admin>1</c:Admin>@x.com' });
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toContain('<c:Admin>');
  expect(xml).toContain('a&lt;/c:Email&gt;&lt;c:Admin&gt;1&lt;/c:Admin&gt;@x.com');
});

it('parses customers whatever the namespace prefix, and decodes entities', () => {
  expect(parseCustomer(recorded('get-customer.xml'), 'GetCustomerResponse')).toEqual({
    Id: 'C-1001',
    FullName: 'Ana Silva & Filhos',
    Email: 'ana.silva@example.com',
    Status: 'A',
    CreatedOn: '14.03.2019',
    CreditLimit: { amount: '2500.00', currency: 'EUR' },
  });
  expect(parseCustomer(recorded('get-customer-no-email.xml'), 'GetCustomerResponse')).toMatchObject({ Id: 'C-2002', Email: undefined, CreditLimit: undefined });
});

it('parses zero, one and many orders as arrays', () => {
  expect(parseOrders(recorded('list-orders-empty.xml'))).toEqual([]);
  expect(parseOrders(recorded('list-orders-one.xml'))).toHaveLength(1);
  expect(parseOrders(recorded('list-orders.xml')).map((o) => o.Total)).toEqual([
    { amount: '120.50', currency: 'EUR' },
    { amount: '19.99', currency: 'USD' },
    { amount: '0', currency: 'EUR' },
  ]);
});

it('raises faults with their code and error code, and refuses answers outside the contract', () => {
  expect(() => parseCustomer(recorded('fault-not-found.xml'), 'GetCustomerResponse')).toThrow(expect.objectContaining({ name: 'LegacyFault', faultCode: 'soap:Client', errorCode: 'CUST-404' }));
  for (const file of ['malformed.xml', 'missing-fields.xml', 'html-error.html']) expect(() => parseCustomer(recorded(file), 'GetCustomerResponse')).toThrow(MalformedAnswer);
  expect(() => parseOrders(recorded('get-customer.xml'))).toThrow(/no ListOrdersResponse/);
});

it('reads both legacy date forms and refuses impossible dates', () => {
  expect(isoDate('14.03.2019')).toBe('2019-03-14');
  expect(isoDate('2021-07-01')).toBe('2021-07-01');
  for (const bad of ['2021-13-01', '31/12/2020', '']) expect(() => isoDate(bad)).toThrow(MalformedAnswer);
});

it('gives every failure a real status, never 2xx', () => {
  const status = (f: Parameters<typeof failureToHttp>[0]) => failureToHttp(f).statusCode;
  expect(status({ kind: 'fault', fault: new LegacyFault('soap:Client', 'CUST-404', 'x') })).toBe(404);
  expect(status({ kind: 'fault', fault: new LegacyFault('soap:Client', 'CUST-409', 'x') })).toBe(409);
  expect(status({ kind: 'fault', fault: new LegacyFault('Client', undefined, 'x') })).toBe(400);
  expect(status({ kind: 'fault', fault: new LegacyFault('soap:Server', undefined, 'x') })).toBe(502);
  expect(status({ kind: 'status', status: 401 })).toBe(502); // our credentials were refused: the caller cannot fix that
  expect(status({ kind: 'status', status: 503 })).toBe(503);
  expect(status({ kind: 'timeout', afterMs: 5000 })).toBe(504);
  expect(status({ kind: 'malformed', reason: 'x' })).toBe(502);
  expect(status({ kind: 'unreachable', reason: 'ECONNREFUSED' })).toBe(502);
});
