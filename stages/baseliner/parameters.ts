import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const BaselinerParameters = z.strictObject({
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to baseline summaries and failures.'),
  concurrency: z.number().int().min(1).max(10).default(3).describe('Products of one dependency level provisioned at once.'),
  maxPolls: z.number().int().min(3).max(500).default(60).describe('Looks at one provisioning record before it counts as timed out.'),
  pipelineName: z.string().min(1).optional().describe('Pipeline started when the bootstrap product succeeds (default: this pipeline, organization.yaml pipeline.name).'),
  enrollmentGate: z
    .boolean()
    .default(true)
    .describe(
      'Wait until Control Tower lists the account enrolled (ListEnabledBaselines) before provisioning. Needs landing zone 3.0 or later and management.organizationId; set false on older landing zones.',
    ),
  enrollmentMaxChecks: z.number().int().min(1).max(60).default(20).describe('Enrollment checks before the gate gives up (back-off 30 s doubling to 5 min: 20 checks is about 90 minutes).'),
  reconcileEveryMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .default(60)
    .describe('How often the reconcile compares every governed account with baseline.yaml and starts what is missing; 0 turns it off.'),
  reconcileMaxStarts: z.number().int().min(1).max(200).default(25).describe('Executions one reconcile run starts at most; the rest wait for the next run.'),
  reconcileMaxAttempts: z.number().int().min(1).max(20).default(3).describe('Attempts the reconcile gives a selection that keeps failing; events (re-enrolling, moving) always retry.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type BaselinerParameters = z.output<typeof BaselinerParameters>;
