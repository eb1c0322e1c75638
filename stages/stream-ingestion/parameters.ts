import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const StreamIngestionParameters = z
  .strictObject({
    shards: z.number().int().min(1).max(64).default(1).describe('Kinesis shards (provisioned mode).'),
    batchSize: z.number().int().min(1).max(10000).default(100).describe('Records per Lambda invocation.'),
    readCapacity: z
      .strictObject({ min: z.number().int().min(1).default(1), max: z.number().int().min(1).max(40000).default(50), targetPercent: z.number().min(20).max(90).default(50) })
      .prefault({})
      .describe("Read auto scaling (the post's): min and max capacity units, target utilization percent."),
    writeCapacity: z.number().int().min(1).max(40000).default(5).describe('Provisioned write capacity units (the floor of write auto scaling).'),
    writeScaling: z
      .strictObject({ max: z.number().int().min(1).max(40000).default(50), targetPercent: z.number().min(20).max(90).default(70) })
      .prefault({})
      .describe('Write auto scaling from writeCapacity up to max, at targetPercent utilization: the function only writes, so bursts need write capacity.'),
    retentionHours: z
      .number()
      .int()
      .min(48)
      .max(8760)
      .default(168)
      .describe('Stream retention. At least a day longer than the event source gives up on a record (24 h), so a record in the on-failure queue can still be read and replayed.'),
    logRetentionDays: LogRetentionDays.default(365),
  })
  .refine((p) => p.writeScaling.max >= p.writeCapacity, { message: 'writeScaling.max must be at least writeCapacity', path: ['writeScaling', 'max'] });
export type StreamIngestionParameters = z.output<typeof StreamIngestionParameters>;

/** How old a record may get before the event source gives up on it and sends its pointer to the on-failure queue. */
export const MAX_RECORD_AGE_HOURS = 24;
