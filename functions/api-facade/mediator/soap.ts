/**
 * The legacy customer service's SOAP 1.1 messages: requests built with every value escaped, and
 * answers parsed into typed results, or a LegacyFault when the service says no. No I/O here.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const LEGACY_NAMESPACE = 'urn:example:legacy:customers';

export type Operation =
  | { readonly name: 'GetCustomer'; readonly customerId: string }
  | { readonly name: 'ListOrders'; readonly customerId: string }
  | { readonly name: 'UpdateCustomerEmail'; readonly customerId: string; readonly email: string };

export interface LegacyCustomer {
  readonly Id: string;
  readonly FullName: string;
  readonly Email?: string;
  readonly Status: string;
  readonly CreatedOn: string;
  readonly CreditLimit?: { readonly amount: string; readonly currency: string };
}

export interface LegacyOrder {
  readonly Number: string;
  readonly Date: string;
  readonly Total: { readonly amount: string; readonly currency: string };
  readonly State: string;
}

/** The service answered with a SOAP fault. */
export class LegacyFault extends Error {
  constructor(
    readonly faultCode: string,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'LegacyFault';
  }
}

/** The answer is not one the service's contract allows (not XML, no envelope, fields missing). */
export class MalformedAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswer';
  }
}

const escapeXml = (value: string) => value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function soapAction(op: Operation): string {
  return `${LEGACY_NAMESPACE}#${op.name}`;
}

export function requestEnvelope(op: Operation): string {
  const fields: Array<[string, string]> = [['CustomerId', op.customerId]];
  if (op.name === 'UpdateCustomerEmail') fields.push(['Email', op.email]);
  const body = fields.map(([k, v]) => `<c:${k}>${escapeXml(v)}</c:${k}>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="${LEGACY_NAMESPACE}"><soap:Body><c:${op.name}>${body}</c:${op.name}></soap:Body></soap:Envelope>`;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Order',
  processEntities: true,
});

type Node = Record<string, unknown>;
const text = (node: unknown): string | undefined =>
  typeof node === 'string' ? node : typeof node === 'object' && node !== null && typeof (node as Node)['#text'] === 'string' ? ((node as Node)['#text'] as string) : undefined;

function required(node: Node, field: string, where: string): string {
  const value = text(node[field]);
  if (value === undefined || value === '') throw new MalformedAnswer(`${where} has no ${field}`);
  return value;
}

function money(node: unknown, where: string): { amount: string; currency: string } {
  const amount = text(node);
  const currency = typeof node === 'object' && node !== null ? (node as Node)['@currency'] : undefined;
  if (!amount || !/^-?\d+(\.\d+)?$/.test(amount)) throw new MalformedAnswer(`${where} is not an amount: ${JSON.stringify(amount)}`);
  return { amount, currency: typeof currency === 'string' ? currency : 'EUR' };
}

/** The SOAP body of an answer, or the fault it carries. */
function body(xml: string): Node {
  if (XMLValidator.validate(xml) !== true) throw new MalformedAnswer('the answer is not well-formed XML');
  const doc = parser.parse(xml) as Node;
  const envelope = doc.Envelope as Node | undefined;
  const soapBody = envelope?.Body as Node | undefined;
  if (!soapBody || typeof soapBody !== 'object') throw new MalformedAnswer('the answer has no SOAP Envelope/Body');
  const fault = soapBody.Fault as Node | undefined;
  if (fault) {
    const detail = (fault.detail ?? {}) as Node;
    throw new LegacyFault(text(fault.faultcode) ?? 'Server', text(detail.ErrorCode), text(fault.faultstring) ?? 'the legacy service reported a fault');
  }
  return soapBody;
}

function customer(node: unknown): LegacyCustomer {
  if (typeof node !== 'object' || node === null) throw new MalformedAnswer('the answer has no Customer');
  const c = node as Node;
  return {
    Id: required(c, 'Id', 'Customer'),
    FullName: required(c, 'FullName', 'Customer'),
    Email: text(c.Email) || undefined,
    Status: required(c, 'Status', 'Customer'),
    CreatedOn: required(c, 'CreatedOn', 'Customer'),
    CreditLimit: c.CreditLimit === undefined ? undefined : money(c.CreditLimit, 'Customer.CreditLimit'),
  };
}

export function parseCustomer(xml: string, responseElement: 'GetCustomerResponse' | 'UpdateCustomerEmailResponse'): LegacyCustomer {
  const response = body(xml)[responseElement] as Node | undefined;
  if (!response) throw new MalformedAnswer(`the answer has no ${responseElement}`);
  return customer(response.Customer);
}

export function parseOrders(xml: string): LegacyOrder[] {
  const response = body(xml).ListOrdersResponse as Node | undefined;
  if (response === undefined) throw new MalformedAnswer('the answer has no ListOrdersResponse');
  // An empty <ListOrdersResponse/> parses as "".
  const orders = (typeof response === 'object' && response !== null ? (response.Order as Node[] | undefined) : undefined) ?? [];
  return orders.map((o, i) => ({
    Number: required(o, 'Number', `Order ${i + 1}`),
    Date: required(o, 'Date', `Order ${i + 1}`),
    Total: money(o.Total, `Order ${i + 1}.Total`),
    State: required(o, 'State', `Order ${i + 1}`),
  }));
}
