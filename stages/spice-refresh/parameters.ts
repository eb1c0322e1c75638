import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

/** Regions where Amazon QuickSight (Amazon Quick Sight) has an API endpoint (AWS docs, 2026). */
export const QUICKSIGHT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'af-south-1',
  'il-central-1',
  'me-south-1',
] as const;

const GlueColumn = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,254}$/, { error: 'a lower-case Glue column name' }),
  type: z.enum(['string', 'int', 'bigint', 'double', 'boolean', 'timestamp', 'date']),
});

export const SpiceRefreshParameters = z.strictObject({
  datasetIds: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'a QuickSight dataset id (aws quicksight list-data-sets)' }))
    .default([])
    .describe('QuickSight SPICE datasets refreshed after each successful run of the job (none: the job runs, nothing is refreshed).'),
  columns: z
    .array(GlueColumn)
    .min(1)
    .default([
      { name: 'dispatching_base_num', type: 'string' },
      { name: 'pickup_datetime', type: 'timestamp' },
      { name: 'dropoff_datetime', type: 'timestamp' },
      { name: 'pulocationid', type: 'bigint' },
      { name: 'dolocationid', type: 'bigint' },
      { name: 'sr_flag', type: 'string' },
    ])
    .describe('Columns of the uploaded CSV files (header row skipped); the default is the NYC TLC for-hire-vehicle trips of the post.'),
  incomingPrefix: z
    .string()
    .regex(/^([A-Za-z0-9!_.*'()-]+\/)+$/, { error: 'an S3 prefix ending in /, e.g. incoming/' })
    .default('incoming/')
    .describe('Where CSV uploads land in the raw bucket.'),
  databaseName: z
    .string()
    .regex(/^[a-z0-9_]{1,255}$/, { error: 'lower-case letters, digits and _' })
    .default('spice_refresh')
    .describe('Glue database holding the raw and processed tables.'),
  workerType: z.enum(['G.1X', 'G.2X', 'G.4X']).default('G.1X').describe('Glue worker type.'),
  numberOfWorkers: z.number().int().min(2).max(100).default(2).describe('Glue workers per run.'),
  timeoutMinutes: z.number().int().min(1).max(2880).default(60).describe('A run taking longer ends as TIMEOUT (and is notified).'),
  notifyEmail: z.email().optional().describe('Subscribed to failed, timed-out and stopped runs.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type SpiceRefreshParameters = z.output<typeof SpiceRefreshParameters>;
