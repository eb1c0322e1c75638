/**
 * iot-itsm incident function: an anomaly from the IoT rule → one ServiceNow incident per device and
 * reading window. The IoT rule invokes it asynchronously: a failure is retried by Lambda, then the
 * event goes to the dead-letter queue. The dedupe (Powertools idempotency, DynamoDB) makes the
 * retries, repeated deliveries and the rest of a burst no-ops that return the same incident.
 */
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { dedupeKey, incidentRecord, parseAnomaly, type Anomaly } from './anomaly';
import { createIncident, retryPolicyFrom, ServiceNowSecret } from './servicenow';

/** The instance the stack's own secret starts with (stages/iot-itsm), until someone fills it in. */
const PLACEHOLDER_INSTANCE = 'your-instance.service-now.com';
const logger = new Logger({ serviceName: 'iot-itsm-incident' });
const windowMinutes = Number(process.env.DEDUPE_WINDOW_MINUTES ?? '15');
const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: windowMinutes * 60 * 2 });
const retryPolicy = retryPolicyFrom(process.env);
const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.DEDUPE_TABLE ?? 'unset' });

async function readSecret(): Promise<ServiceNowSecret> {
  const raw = await getSecret(process.env.SERVICENOW_SECRET_ARN!, { transform: 'json', maxAge: 300 });
  const parsed = ServiceNowSecret.safeParse(raw);
  if (!parsed.success) throw new Error(`the ServiceNow secret must be {"instanceUrl", "username", "password"}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  if (new URL(parsed.data.instanceUrl).hostname === PLACEHOLDER_INSTANCE)
    throw new Error(`the ServiceNow secret ${process.env.SERVICENOW_SECRET_ARN} still names ${PLACEHOLDER_INSTANCE}: put your instance URL, username and password in it`);
  return parsed.data;
}

const openIncident = makeIdempotent(
  async (request: { key: string; anomaly: Anomaly }) => {
    const created = await createIncident(await readSecret(), incidentRecord(request.anomaly, request.key), retryPolicy);
    logger.info('incident created', { key: request.key, incident: created.number, attempts: created.attempts });
    return { key: request.key, incident: created.number, sysId: created.sysId };
  },
  { persistenceStore, config },
);

export const handler = async (event: unknown, context: Context) => {
  config.registerLambdaContext(context);
  const anomaly = parseAnomaly(event);
  return openIncident({ key: dedupeKey(anomaly, windowMinutes), anomaly });
};
