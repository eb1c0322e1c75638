/**
 * The API facade's mediator: a REST API request → one SOAP call to the legacy customer service
 * (URL from the environment, credentials from Secrets Manager through Powertools, cached) → the
 * promised JSON. Faults, HTTP errors, timeouts and unreadable answers become JSON errors with
 * real status codes.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { httpHandler } from '../../shared/http';
import { callBackend, readAnswer } from './backend';
import { failureToHttp } from './mapping';
import { route } from './routes';

const logger = new Logger({ serviceName: 'api-facade-mediator' });
const Credentials = z.object({ username: z.string().min(1), password: z.string().min(1) });

async function credentials(secretId: string) {
  const parsed = Credentials.safeParse(await getSecret(secretId, { transform: 'json', maxAge: 300 }));
  if (!parsed.success) throw new Error(`secret ${secretId} is not {"username": "…", "password": "…"}`);
  return parsed.data;
}

export const handler = httpHandler(logger, async (request) => {
  const url = process.env.BACKEND_URL;
  const secretId = process.env.BACKEND_SECRET_ARN;
  if (!url || !secretId) throw new Error('BACKEND_URL and BACKEND_SECRET_ARN must be set');
  const timeoutMs = Number(process.env.BACKEND_TIMEOUT_MS ?? '5000');
  const r = route(request);
  const call = await callBackend({ url, timeoutMs, credentials: await credentials(secretId) }, r.operation);
  if (!call.ok) {
    logger.warn('legacy call failed', { operation: r.operation.name, failure: call.failure });
    throw failureToHttp(call.failure);
  }
  const answer = readAnswer(() => r.respond(call.xml));
  if (!answer.ok) {
    logger.warn('legacy answer refused', { operation: r.operation.name, failure: answer.failure });
    throw failureToHttp(answer.failure);
  }
  return answer.value;
});
