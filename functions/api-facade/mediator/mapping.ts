/**
 * From the legacy service's answers to the JSON the API promises (stages/api-facade/openapi.ts),
 * and from its failures to real HTTP errors: never a 200 for a fault.
 */
import { HttpError } from '../../shared/http';
import { LegacyFault, MalformedAnswer, type LegacyCustomer, type LegacyOrder } from './soap';

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly status: 'active' | 'suspended' | 'closed';
  readonly customerSince: string;
  readonly creditLimit: { readonly amount: number; readonly currency: string } | null;
}

export interface Order {
  readonly number: string;
  readonly date: string;
  readonly total: { readonly amount: number; readonly currency: string };
  readonly state: 'open' | 'shipped' | 'delivered' | 'cancelled';
}

const STATUS: Record<string, Customer['status']> = { A: 'active', S: 'suspended', C: 'closed' };
const STATE: Record<string, Order['state']> = { OPEN: 'open', SHIPPED: 'shipped', DELIVERED: 'delivered', CANCELLED: 'cancelled', CANCELED: 'cancelled' };

/** Legacy dates are `YYYY-MM-DD` or `DD.MM.YYYY`; the API promises ISO dates. */
export function isoDate(value: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!y || Number.isNaN(Date.parse(`${y}-${m}-${d}T00:00:00Z`))) throw new MalformedAnswer(`not a date: ${value}`);
  return `${y}-${m}-${d}`;
}

export function customerJson(c: LegacyCustomer): Customer {
  const status = STATUS[c.Status];
  if (!status) throw new MalformedAnswer(`unknown customer status ${c.Status}`);
  return {
    id: c.Id,
    name: c.FullName,
    email: c.Email ?? null,
    status,
    customerSince: isoDate(c.CreatedOn),
    creditLimit: c.CreditLimit ? { amount: Number(c.CreditLimit.amount), currency: c.CreditLimit.currency } : null,
  };
}

export function orderJson(o: LegacyOrder): Order {
  const state = STATE[o.State.toUpperCase()];
  if (!state) throw new MalformedAnswer(`unknown order state ${o.State}`);
  return { number: o.Number, date: isoDate(o.Date), total: { amount: Number(o.Total.amount), currency: o.Total.currency }, state };
}

/** How the backend failed, as the API reports it. */
export type BackendFailure =
  | { readonly kind: 'fault'; readonly fault: LegacyFault }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'unreachable'; readonly reason: string };

export function failureToHttp(failure: BackendFailure): HttpError {
  switch (failure.kind) {
    case 'fault': {
      const { fault } = failure;
      if (fault.errorCode === 'CUST-404') return new HttpError(404, 'NotFound', fault.message);
      if (fault.errorCode === 'CUST-409') return new HttpError(409, 'Conflict', fault.message);
      if (/(^|:)Client$/.test(fault.faultCode)) return new HttpError(400, 'BadRequest', `the legacy service refused the request: ${fault.message}`);
      return new HttpError(502, 'BadGateway', 'the legacy service failed; try again later');
    }
    case 'status':
      if (failure.status === 503) return new HttpError(503, 'ServiceUnavailable', 'the legacy service is unavailable (maintenance); try again later');
      return new HttpError(502, 'BadGateway', `the legacy service answered HTTP ${failure.status}`);
    case 'timeout':
      return new HttpError(504, 'GatewayTimeout', `the legacy service did not answer within ${failure.afterMs} ms`);
    case 'malformed':
      return new HttpError(502, 'BadGateway', 'the legacy service sent an answer that could not be read');
    case 'unreachable':
      return new HttpError(502, 'BadGateway', 'the legacy service could not be reached');
  }
}
