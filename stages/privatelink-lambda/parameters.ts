import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';
import { vpcCidrParameter } from '../shared/vpc-cidr';

export const PrivatelinkLambdaParameters = z.strictObject({
  vpcCidr: vpcCidrParameter('10.42.0.0/24', 'the isolated VPC'),
  availabilityZones: z.number().int().min(1).max(3).default(2).describe('Availability Zones the endpoint and functions span.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type PrivatelinkLambdaParameters = z.output<typeof PrivatelinkLambdaParameters>;
