/** The API's operations: a request in, the legacy operation to call, the JSON out. No I/O here. */
import { z } from 'zod';
import { HttpError, json, jsonBody, type HttpRequest, type HttpResponse } from '../../shared/http';
import { customerJson, orderJson } from './mapping';
import { parseCustomer, parseOrders, type Operation } from './soap';

export const CUSTOMER_ID = /^C-\d{4,10}$/;
export const UpdateEmail = z.strictObject({ email: z.email({ error: 'email must be an email address' }).max(254) });

export interface Route {
  readonly operation: Operation;
  /** The promised JSON from the legacy answer; throws LegacyFault or MalformedAnswer. */
  readonly respond: (xml: string) => HttpResponse;
}

function customerId(request: HttpRequest): string {
  const id = request.pathParameters.customerId;
  if (!id || !CUSTOMER_ID.test(id)) throw new HttpError(400, 'BadRequest', `customerId must look like C-1234 (C- and 4 to 10 digits), not ${JSON.stringify(id ?? null)}`);
  return id;
}

export function route(request: HttpRequest): Route {
  const resource = request.path.replace(/^\/[^/]+(?=\/customers)/, ''); // a stage prefix, if any
  if (request.method === 'GET' && /^\/customers\/[^/]+$/.test(resource)) {
    return { operation: { name: 'GetCustomer', customerId: customerId(request) }, respond: (xml) => json(200, customerJson(parseCustomer(xml, 'GetCustomerResponse'))) };
  }
  if (request.method === 'GET' && /^\/customers\/[^/]+\/orders$/.test(resource)) {
    const id = customerId(request);
    return { operation: { name: 'ListOrders', customerId: id }, respond: (xml) => json(200, { customerId: id, orders: parseOrders(xml).map(orderJson) }) };
  }
  if (request.method === 'PATCH' && /^\/customers\/[^/]+$/.test(resource)) {
    const id = customerId(request);
    const { email } = jsonBody(request, UpdateEmail);
    return { operation: { name: 'UpdateCustomerEmail', customerId: id, email }, respond: (xml) => json(200, customerJson(parseCustomer(xml, 'UpdateCustomerEmailResponse'))) };
  }
  throw new HttpError(404, 'NotFound', `no route ${request.method} ${request.path}`);
}
