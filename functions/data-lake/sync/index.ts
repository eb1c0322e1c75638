/**
 * Scheduled sync of the LMS export (Canvas Data 2, DAP API) into the raw zone, table by table,
 * then a load summary on SNS. A table that fails is reported and its window asked for again next
 * run; the invocation then fails too, so the schedule's retries and dead-letter queue see it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { DapClient } from './dap';
import { S3RawStore } from './s3-store';
import { loadSummary, syncTable, type TableResult } from './sync';

const logger = new Logger({ serviceName: 'data-lake-sync' });

/** Time kept back from the Lambda deadline to publish the summary. */
const RESERVE_MS = 60_000;

export interface SyncSummary {
  readonly namespace: string;
  readonly results: TableResult[];
}

/** The handler over given clients (tests point them at a local server). */
export function createHandler(s3: S3Client, sns: SNSClient, sleep: (ms: number) => Promise<void> = (ms) => new Promise<void>((r) => setTimeout(r, ms))) {
  return (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => sync(s3, sns, sleep, context);
}

export const handler = createHandler(new S3Client({}), new SNSClient({}));

async function sync(s3: S3Client, sns: SNSClient, sleep: (ms: number) => Promise<void>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SyncSummary> {
  const config = readConfig();
  const credentials = await getSecret<{ clientId?: string; clientSecret?: string }>(config.secretArn, { transform: 'json', maxAge: 300 });
  if (!credentials?.clientId || !credentials.clientSecret) throw new Error(`secret ${config.secretArn} must be JSON with clientId and clientSecret (DAP client credentials)`);
  if (credentials.clientId === 'REPLACE_ME')
    throw new Error(`secret ${config.secretArn} still holds the placeholder the stack created: put the DAP client id and secret from Instructure's identity service there`);
  const dap = new DapClient({ clientId: credentials.clientId, clientSecret: credentials.clientSecret }, { baseUrl: config.baseUrl, sleep });
  const store = new S3RawStore(s3, config.bucket);
  const hasTime = () => (context ? context.getRemainingTimeInMillis() > RESERVE_MS : true);

  const results: TableResult[] = [];
  for (const table of config.tables) {
    const result = await syncTable(config.namespace, table, config.prefix, dap, store, { maxPolls: config.maxPolls, pollIntervalMs: config.pollIntervalMs, downloadAttempts: 3, hasTime, sleep });
    logger.info('table', { ...result });
    results.push(result);
  }
  const summary = loadSummary(config.namespace, results);
  await sns.send(new PublishCommand({ TopicArn: config.topicArn, Subject: summary.subject, Message: summary.message }));
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) throw new Error(`${failed.length} table(s) failed: ${failed.map((r) => r.table).join(', ')} (see the load summary)`);
  return { namespace: config.namespace, results };
}

function readConfig() {
  const env = process.env;
  const missing = ['RAW_BUCKET', 'SECRET_ARN', 'TOPIC_ARN', 'TABLES'].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')}`);
  const tables = env
    .TABLES!.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tables.some((t) => !/^[a-z0-9_]+$/.test(t))) throw new Error(`TABLES must be comma-separated DAP table names, got ${env.TABLES}`);
  return {
    bucket: env.RAW_BUCKET!,
    secretArn: env.SECRET_ARN!,
    topicArn: env.TOPIC_ARN!,
    tables,
    namespace: env.NAMESPACE ?? 'canvas',
    prefix: env.PREFIX ?? 'lms/',
    baseUrl: env.DAP_BASE_URL,
    maxPolls: Number(env.MAX_POLLS ?? '60'),
    pollIntervalMs: Number(env.POLL_INTERVAL_MS ?? '10000'),
  };
}
