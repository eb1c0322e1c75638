import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const StreamIngestionParameters = z.strictObject({
  shards: z.number().int().min(1).max(64).default(1).describe('Kinesis shards (provisioned mode).'),
  batchSize: z.number().int().min(1).max(10000).default(100).describe('Records per Lambda invocation.'),
  readCapacity: z.strictObject({ min: z.number().int().min(1).default(1), max: z.number().int().min(1).max(40000).default(50), targetPercent: z.number().min(20).max(90).default(50) }).prefault({}),
  writeCapacity: z.number().int().min(1).max(40000).default(5).describe('Provisioned write capacity units.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type StreamIngestionParameters = z.output<typeof StreamIngestionParameters>;
