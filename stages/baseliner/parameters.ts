import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const BaselinerParameters = z.strictObject({
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to baseline summaries and failures.'),
  concurrency: z.number().int().min(1).max(10).default(3).describe('Products of one dependency level provisioned at once.'),
  maxPolls: z.number().int().min(3).max(500).default(60).describe('Looks at one provisioning record before it counts as timed out.'),
  pipelineName: z.string().min(1).optional().describe('Pipeline started when the bootstrap product succeeds (default: this pipeline, organization.yaml pipeline.name).'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type BaselinerParameters = z.output<typeof BaselinerParameters>;
