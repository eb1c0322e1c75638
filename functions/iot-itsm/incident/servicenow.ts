/**
 * ServiceNow's Table API: POST <instance>/api/now/table/incident with basic auth; 201 is created.
 * 429 and 5xx are retried with exponential back-off (Retry-After when given), a bounded number of
 * times; 4xx other than 429 are not (bad credentials do not get better).
 */
import { z } from 'zod';

export const ServiceNowSecret = z.strictObject({
  instanceUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  username: z.string().min(1),
  password: z.string().min(1),
});
export type ServiceNowSecret = z.output<typeof ServiceNowSecret>;

export class ServiceNowError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ServiceNowError';
  }
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 10_000 };

/** The policy with SERVICENOW_ATTEMPTS, SERVICENOW_BASE_DELAY_MS and SERVICENOW_TIMEOUT_MS applied. */
export function retryPolicyFrom(env: NodeJS.ProcessEnv): RetryPolicy {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} is ${JSON.stringify(raw)}: an integer from ${min} to ${max}`);
    return value;
  };
  return {
    attempts: read('SERVICENOW_ATTEMPTS', DEFAULT_RETRY.attempts, 1, 10),
    baseDelayMs: read('SERVICENOW_BASE_DELAY_MS', DEFAULT_RETRY.baseDelayMs, 0, 60_000),
    maxDelayMs: DEFAULT_RETRY.maxDelayMs,
    timeoutMs: read('SERVICENOW_TIMEOUT_MS', DEFAULT_RETRY.timeoutMs, 1, 60_000),
  };
}

export interface CreatedIncident {
  readonly number: string;
  readonly sysId: string;
  readonly attempts: number;
}

const Created = z.object({ result: z.object({ number: z.string(), sys_id: z.string() }) });

export async function createIncident(secret: ServiceNowSecret, record: Record<string, string>, policy: RetryPolicy = DEFAULT_RETRY): Promise<CreatedIncident> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const url = `${secret.instanceUrl}/api/now/table/incident`;
  const auth = `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`;
  let last: ServiceNowError | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(record),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (err) {
      last = new ServiceNowError(`POST ${url} failed: ${(err as Error).message}`, undefined, true);
      if (attempt < policy.attempts) await sleep(backoff(policy, attempt));
      continue;
    }
    const body = await response.text();
    if (response.status === 201) {
      const created = Created.safeParse(parseJson(body));
      if (!created.success) throw new ServiceNowError(`ServiceNow answered 201 without result.number and result.sys_id: ${body.slice(0, 200)}`, 201, false);
      return { number: created.data.result.number, sysId: created.data.result.sys_id, attempts: attempt };
    }
    const retryable = response.status === 429 || response.status >= 500;
    last = new ServiceNowError(`ServiceNow answered ${response.status} to POST ${url}: ${body.slice(0, 200)}`, response.status, retryable);
    if (!retryable) throw last;
    if (attempt < policy.attempts) await sleep(retryAfterMs(response.headers.get('retry-after'), policy) ?? backoff(policy, attempt));
  }
  throw new ServiceNowError(`${last!.message} (gave up after ${policy.attempts} attempts)`, last!.status, true);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Retry-After in seconds, capped by the policy; an HTTP date or garbage falls back to back-off. */
function retryAfterMs(header: string | null, policy: RetryPolicy): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(policy.maxDelayMs, Number(header) * 1000);
}
