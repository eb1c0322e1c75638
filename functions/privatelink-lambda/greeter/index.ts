/**
 * The function reached through the interface endpoint. It answers `{ name }` with a greeting, and
 * says which request it answered, so the caller can prove the round trip.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';

const logger = new Logger({ serviceName: 'privatelink-lambda-greeter' });

export const GreetRequest = z.strictObject({ name: z.string().trim().min(1).max(100) });

export interface Greeting {
  readonly greeting: string;
  readonly requestId: string;
}

export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

export function greet(event: unknown, requestId: string): Greeting {
  const parsed = GreetRequest.safeParse(event);
  if (!parsed.success) throw new BadRequest(`expected {"name": "…"}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return { greeting: `Hello, ${parsed.data.name}, from inside the VPC`, requestId };
}

export async function handler(event: unknown, context?: Context): Promise<Greeting> {
  logger.addContext(context ?? ({} as Context));
  const result = greet(event, context?.awsRequestId ?? 'local');
  logger.info('greeted', { requestId: result.requestId });
  return result;
}
