import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';
import { vpcCidrParameter } from '../shared/vpc-cidr';

const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,127}$/, { error: 'a database identifier' });

export const DataLakeParameters = z.strictObject({
  namespace: z.enum(['canvas', 'canvas_logs', 'catalog']).default('canvas').describe('DAP namespace synced.'),
  tables: z
    .array(z.string().regex(/^[a-z0-9_]{1,128}$/, { error: 'a DAP table name (dap list --namespace canvas)' }))
    .min(1)
    .max(100)
    .default(['accounts', 'courses', 'enrollments', 'users'])
    .describe('DAP tables synced each run; the first run takes a snapshot of each, later runs the changes.'),
  syncHourUtc: z.number().int().min(0).max(22).default(5).describe('Hour (UTC) of the daily sync; the crawler runs an hour later.'),
  databaseName: z
    .string()
    .regex(/^[a-z0-9_]{1,255}$/, { error: 'lower-case letters, digits and _' })
    .default('data_lake')
    .describe('Glue database the crawler fills.'),
  athenaBytesScannedCutoffGb: z.number().int().min(1).max(1_000).default(10).describe('Athena stops a query of the workgroup past this many GB scanned.'),
  notifyEmail: z.email().optional().describe('Subscribed to the load summary.'),
  dms: z
    .strictObject({
      enabled: z.boolean().default(false),
      sourceEngine: z.enum(['postgres', 'mysql', 'sqlserver', 'oracle']).default('postgres').describe('Engine of the SIS database.'),
      sourceSecretArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, { error: 'the ARN of a Secrets Manager secret with username, password, host and port' })
        .optional()
        .describe('Secret with the SIS connection (username, password, host, port).'),
      databaseName: Identifier.optional().describe('SIS database name.'),
      schema: Identifier.default('public').describe('Schema whose tables are replicated.'),
      maxCapacityUnits: z.number().int().min(1).max(384).default(4).describe('DMS Serverless capacity ceiling (DCU).'),
    })
    .default({ enabled: false, sourceEngine: 'postgres', schema: 'public', maxCapacityUnits: 4 })
    .refine((d) => !d.enabled || (d.sourceSecretArn && d.databaseName), { error: 'dms.enabled needs dms.sourceSecretArn and dms.databaseName' })
    .describe('SIS database → raw zone with DMS Serverless (full load, then changes). Off by default: see README for cost.'),
  redshift: z
    .strictObject({
      enabled: z.boolean().default(false),
      baseCapacityRpus: z.number().int().min(8).max(1024).multipleOf(8).default(8).describe('Redshift Serverless base capacity (RPUs, multiples of 8).'),
    })
    .default({ enabled: false, baseCapacityRpus: 8 })
    .describe('Redshift Serverless over the lake (Spectrum on the Glue catalog). Off by default: see README for cost.'),
  vpcCidr: vpcCidrParameter('10.44.0.0/24', 'the isolated VPC for DMS and Redshift (created only when one of them is enabled)'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type DataLakeParameters = z.output<typeof DataLakeParameters>;
