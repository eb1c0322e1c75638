import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const LambdaExtensionsParameters = z.strictObject({
  logLevel: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: '1 to 32 letters, digits, hyphens or underscores' })
    .default('normal')
    .describe('The loglevel the hosted LoggingLevel profile holds ({"loglevel": …}).'),
  lifecycleLogger: z.enum(['all', 'shutdown']).default('all').describe('What the lifecycle-logger extension logs: every invocation and the shutdown summary (all), or the summary only (shutdown).'),
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarm on failed asynchronous invocations.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type LambdaExtensionsParameters = z.output<typeof LambdaExtensionsParameters>;
