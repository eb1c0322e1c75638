/**
 * Runs in an isolated subnet (no NAT, no internet) and invokes the greeter through the Lambda
 * interface endpoint: proof that the private path works and that the endpoint policy lets it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'privatelink-lambda-caller' });
// Private DNS on the endpoint makes the regional Lambda hostname resolve to the endpoint's addresses.
const lambda = new LambdaClient({});

export class InvokeFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvokeFailed';
  }
}

/** The greeter's answer, or an error that says whether the call or the function failed. */
export function readResponse(statusCode: number | undefined, functionError: string | undefined, payload: Uint8Array | undefined): unknown {
  const text = payload ? Buffer.from(payload).toString('utf8') : '';
  if (functionError) throw new InvokeFailed(`the greeter failed (${functionError}): ${text.slice(0, 500)}`);
  if (statusCode !== 200) throw new InvokeFailed(`invoke returned status ${statusCode}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvokeFailed(`the greeter answered something that is not JSON: ${text.slice(0, 200)}`);
  }
}

export async function handler(event: { name?: unknown } | undefined, context?: Context): Promise<unknown> {
  logger.addContext(context ?? ({} as Context));
  const target = process.env.TARGET_FUNCTION;
  if (!target) throw new Error('TARGET_FUNCTION is not set');
  const out = await lambda.send(new InvokeCommand({ FunctionName: target, Payload: Buffer.from(JSON.stringify({ name: event?.name ?? 'caller' })) }));
  const answer = readResponse(out.StatusCode, out.FunctionError, out.Payload);
  logger.info('invoked through the endpoint', { target });
  return answer;
}
