/**
 * The anomaly the threshold component publishes on IoTBlog/anomaly, as the IoT rule hands it over
 * (the message, plus the topic the rule adds), and the key one burst of anomalies shares.
 */
import { z } from 'zod';
import { MalformedEventError } from '../../shared/malformed-event';

export const ANOMALY_TOPIC = 'IoTBlog/anomaly';
/** The IoT rule's query: the message as published, plus the topic it came on. */
export const ANOMALY_RULE_SQL = `SELECT *, topic() AS topic FROM '${ANOMALY_TOPIC}'`;
export const ANOMALY_RULE_SQL_VERSION = '2016-03-23';

export const Anomaly = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, { error: 'a thing name: letters, digits, ":", "_" or "-"' }),
  temperature: z.number().finite(),
  humidity: z.number().finite(),
  breached: z.array(z.enum(['temperature', 'humidity'])).min(1),
  limits: z.strictObject({ temperature: z.number(), humidity: z.number() }),
  timestamp: z.number().int().positive().describe('Epoch milliseconds of the reading.'),
  topic: z.literal(ANOMALY_TOPIC).optional(),
});
export type Anomaly = z.output<typeof Anomaly>;

export function parseAnomaly(event: unknown): Anomaly {
  const parsed = Anomaly.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedEventError(`not an anomaly from ${ANOMALY_TOPIC}: ${issue.path.join('.') || '(event)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** `<device>#<window start>`: every anomaly of one device within one window opens one incident. */
export function dedupeKey(anomaly: Anomaly, windowMinutes: number): string {
  const windowMs = windowMinutes * 60_000;
  return `${anomaly.deviceId}#${new Date(Math.floor(anomaly.timestamp / windowMs) * windowMs).toISOString()}`;
}

/** The incident record ServiceNow's Table API takes. */
export function incidentRecord(anomaly: Anomaly, key: string): Record<string, string> {
  const what = anomaly.breached.map((m) => `${m} ${anomaly[m]} > ${anomaly.limits[m]}`).join(', ');
  return {
    short_description: `IoT anomaly on ${anomaly.deviceId}: ${what}`,
    description: `Reading at ${new Date(anomaly.timestamp).toISOString()}: temperature ${anomaly.temperature} (limit ${anomaly.limits.temperature}), humidity ${anomaly.humidity} (limit ${anomaly.limits.humidity}). Opened by iot-itsm; later anomalies of this device in the same window are folded into this incident.`,
    category: 'hardware',
    urgency: '2',
    impact: '2',
    correlation_id: key,
    correlation_display: 'iot-itsm',
  };
}
