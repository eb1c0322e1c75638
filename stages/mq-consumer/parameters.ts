import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';
import { vpcCidrParameter } from '../shared/vpc-cidr';

/** ActiveMQ minor versions Amazon MQ supports for new brokers (5.19 recommended, 2026). */
export const ACTIVEMQ_VERSIONS = ['5.19', '5.18'] as const;

export const MqConsumerParameters = z
  .strictObject({
    queue: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,1000}$/, { error: 'an ActiveMQ queue name: letters, digits, _ . -' })
      .default('myQueue')
      .describe('The queue the Lambda event source mapping reads (exactly one).'),
    batchSize: z.number().int().min(1).max(10_000).default(100).describe('Messages per invocation (Amazon MQ allows up to 10,000).'),
    deploymentMode: z
      .enum(['single-instance', 'active-standby'])
      .default('single-instance')
      .describe('single-instance: one broker in one AZ (dev/test); active-standby: a standby in a second AZ (production).'),
    instanceType: z
      .string()
      .regex(/^mq\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'an Amazon MQ instance type, e.g. mq.t3.micro or mq.m5.large' })
      .optional()
      .describe('Broker instance type; default mq.t3.micro (single-instance) or mq.m5.large (active-standby).'),
    engineVersion: z.enum(ACTIVEMQ_VERSIONS).default('5.19').describe('ActiveMQ minor version; patches arrive by auto minor version upgrade.'),
    username: z
      .string()
      .regex(/^[A-Za-z0-9_~.-]{2,100}$/, { error: '2-100 of letters, digits, _ ~ . -' })
      .default('consumer')
      .describe('Broker user the event source mapping signs in as; its password is generated into Secrets Manager.'),
    vpcCidr: vpcCidrParameter('10.43.0.0/24', "the broker's isolated VPC"),
    notifyEmail: z.email().optional().describe('Subscribed to the alarm on rejected messages.'),
    retainMessagesDays: z.number().int().min(1).max(3650).default(30).describe('Days a stored message stays in the message table (TTL).'),
    logRetentionDays: LogRetentionDays.default(365),
  })
  .refine((p) => !(p.deploymentMode === 'active-standby' && p.instanceType === 'mq.t3.micro'), {
    error: 'mq.t3.micro runs single-instance only; active-standby needs mq.m5.large or larger',
    path: ['instanceType'],
  })
  .transform((p) => ({ ...p, instanceType: p.instanceType ?? (p.deploymentMode === 'active-standby' ? 'mq.m5.large' : 'mq.t3.micro') }));
export type MqConsumerParameters = z.output<typeof MqConsumerParameters>;
