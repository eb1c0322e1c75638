import { z } from 'zod';

/**
 * Retention periods CloudWatch Logs accepts that also meet Control Tower CT.CLOUDWATCH.PR.2
 * (at least one year).
 */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const LogRetentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    error: `one of ${LOG_RETENTION_DAYS.join(', ')} days (CloudWatch Logs values of at least a year, as Control Tower CT.CLOUDWATCH.PR.2 requires)`,
  })
  .describe('Days to keep function logs (at least 365).');
