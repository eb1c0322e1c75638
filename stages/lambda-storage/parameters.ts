import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';
import { vpcCidrParameter } from '../shared/vpc-cidr';

export const LambdaStorageParameters = z.strictObject({
  ephemeralStorageMb: z.number().int().min(512).max(10240).default(1024).describe("The /tmp function's ephemeral storage in MiB (Lambda's range: 512 to 10,240)."),
  vpcCidr: vpcCidrParameter('10.43.0.0/24', 'the isolated VPC of the EFS function and its mount targets'),
  availabilityZones: z.number().int().min(2).max(3).default(2).describe('Availability Zones with an EFS mount target (and subnets for the EFS function).'),
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarm on failed asynchronous invocations (S3 events the function gave up on).'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type LambdaStorageParameters = z.output<typeof LambdaStorageParameters>;
