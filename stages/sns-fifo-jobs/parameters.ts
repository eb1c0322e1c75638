import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const SnsFifoJobsParameters = z.strictObject({
  publishEveryMinutes: z.number().int().min(1).max(1440).default(1).describe('How often the sample publisher emits a job lifecycle.'),
  publisherEnabled: z.boolean().default(true).describe('false: the schedule is created disabled (bring your own producer).'),
  maxReceiveCount: z.number().int().min(1).max(1000).default(3).describe('Receives before a message moves to the queue DLQ.'),
  batchSize: z.number().int().min(1).max(10).default(10).describe('SQS FIFO batch size for both consumers (at most 10).'),
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarms: a message waiting in any of the dead-letter queues.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type SnsFifoJobsParameters = z.output<typeof SnsFifoJobsParameters>;
