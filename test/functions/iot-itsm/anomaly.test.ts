/**
 * The incident function's pure parts: the anomaly the component publishes (the same fixture its
 * Python tests produce), the topic rule's query over it, the dedupe key and the incident record.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANOMALY_RULE_SQL, ANOMALY_RULE_SQL_VERSION, ANOMALY_TOPIC, dedupeKey, incidentRecord, parseAnomaly } from '../../../functions/iot-itsm/incident/anomaly';
import { retryPolicyFrom, ServiceNowSecret, DEFAULT_RETRY } from '../../../functions/iot-itsm/incident/servicenow';
import { MalformedEventError } from '../../../functions/shared/malformed-event';

const published = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'iot-itsm', 'anomaly.json'), 'utf8')) as Record<string, unknown>;

/** MQTT topic filter matching (+ one level, # the rest), as IoT rules match FROM. */
function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** The subset of IoT SQL the rule uses: `SELECT <*, topic() AS name> FROM '<filter>'`. */
function evaluateRule(sql: string, topic: string, message: Record<string, unknown>): Record<string, unknown> | undefined {
  const m = /^SELECT (.+) FROM '([^']+)'$/.exec(sql);
  if (!m) throw new Error(`outside the tested subset: ${sql}`);
  if (!topicMatches(m[2], topic)) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of m[1].split(',').map((s) => s.trim())) {
    if (item === '*') Object.assign(out, message);
    else {
      const alias = /^topic\(\) AS (\w+)$/.exec(item);
      if (!alias) throw new Error(`outside the tested subset: ${item}`);
      out[alias[1]] = topic;
    }
  }
  return out;
}

describe('the anomaly topic rule', () => {
  it('selects the anomaly topic only, with SQL version 2016-03-23', () => {
    expect(ANOMALY_RULE_SQL).toBe("SELECT *, topic() AS topic FROM 'IoTBlog/anomaly'");
    expect(ANOMALY_RULE_SQL_VERSION).toBe('2016-03-23');
    expect(evaluateRule(ANOMALY_RULE_SQL, 'IoTBlog/sensorData', published)).toBeUndefined();
    expect(evaluateRule(ANOMALY_RULE_SQL, 'IoTBlog/anomaly/extra', published)).toBeUndefined();
  });

  it('hands the incident function what it parses: the message plus its topic', () => {
    const delivered = evaluateRule(ANOMALY_RULE_SQL, ANOMALY_TOPIC, published);
    expect(delivered).toEqual({ ...published, topic: 'IoTBlog/anomaly' });
    expect(parseAnomaly(delivered)).toMatchObject({ deviceId: 'sensor-7', breached: ['temperature'], topic: ANOMALY_TOPIC });
  });
});

describe('parseAnomaly', () => {
  it.each([
    ['no event', undefined, '(event)'],
    ['a sensorData reading (no breach list)', { deviceId: 'sensor-7', temperature: 20, humidity: 30, timestamp: 1764756000000 }, 'breached'],
    ['an empty breach list', { ...published, breached: [] }, 'breached'],
    ['a string temperature', { ...published, temperature: '33.2' }, 'temperature'],
    ['a device id with a slash', { ...published, deviceId: 'a/b' }, 'deviceId'],
    ['seconds, not a positive integer of milliseconds', { ...published, timestamp: -5 }, 'timestamp'],
    ['another topic', { ...published, topic: 'IoTBlog/sensorData' }, 'topic'],
  ])('refuses %s, naming the field', (_name, event, field) => {
    expect(() => parseAnomaly(event)).toThrow(MalformedEventError);
    expect(() => parseAnomaly(event)).toThrow(field);
  });
});

describe('dedupeKey', () => {
  const at = (iso: string) => parseAnomaly({ ...published, timestamp: Date.parse(iso) });
  it('folds one burst into one window and splits at the window edge', () => {
    expect(dedupeKey(at('2026-12-03T10:00:00Z'), 15)).toBe('sensor-7#2026-12-03T10:00:00.000Z');
    expect(dedupeKey(at('2026-12-03T10:14:59.999Z'), 15)).toBe('sensor-7#2026-12-03T10:00:00.000Z');
    expect(dedupeKey(at('2026-12-03T10:15:00Z'), 15)).toBe('sensor-7#2026-12-03T10:15:00.000Z');
    expect(dedupeKey(parseAnomaly({ ...published, deviceId: 'sensor-8' }), 15)).not.toBe(dedupeKey(parseAnomaly(published), 15));
  });
});

describe('incidentRecord', () => {
  it('says which limit broke and carries the dedupe key as correlation id', () => {
    const record = incidentRecord(parseAnomaly(published), 'sensor-7#2025-12-03T10:00:00.000Z');
    expect(record.short_description).toBe('IoT anomaly on sensor-7: temperature 33.2 > 30');
    expect(record.correlation_id).toBe('sensor-7#2025-12-03T10:00:00.000Z');
    expect(record.description).toContain('humidity 48 (limit 50)');
  });
});

describe('the ServiceNow settings', () => {
  it('takes the secret with the instance URL, without a trailing slash, and refuses unknown keys', () => {
    expect(ServiceNowSecret.parse({ instanceUrl: 'https://dev12345.service-now.com/', username: 'u', password: 'p' }).instanceUrl).toBe('https://dev12345.service-now.com');
    expect(ServiceNowSecret.safeParse({ instanceUrl: 'dev12345', username: 'u', password: 'p' }).success).toBe(false);
    expect(ServiceNowSecret.safeParse({ instanceUrl: 'https://x.service-now.com', username: 'u', password: 'p', token: 't' }).success).toBe(false);
  });

  it('reads the retry policy from the environment and refuses nonsense', () => {
    expect(retryPolicyFrom({})).toEqual(DEFAULT_RETRY);
    expect(retryPolicyFrom({ SERVICENOW_ATTEMPTS: '2', SERVICENOW_TIMEOUT_MS: '500' })).toMatchObject({ attempts: 2, timeoutMs: 500 });
    expect(() => retryPolicyFrom({ SERVICENOW_ATTEMPTS: '0' })).toThrow('SERVICENOW_ATTEMPTS is "0": an integer from 1 to 10');
    expect(() => retryPolicyFrom({ SERVICENOW_TIMEOUT_MS: 'soon' })).toThrow('SERVICENOW_TIMEOUT_MS');
  });
});
