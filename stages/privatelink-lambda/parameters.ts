import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const PrivatelinkLambdaParameters = z.strictObject({
  vpcCidr: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, { error: 'a CIDR block from /16 to /24, e.g. 10.42.0.0/24' })
    .default('10.42.0.0/24')
    .describe('Address range of the isolated VPC.'),
  availabilityZones: z.number().int().min(1).max(3).default(2).describe('Availability Zones the endpoint and functions span.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type PrivatelinkLambdaParameters = z.output<typeof PrivatelinkLambdaParameters>;
