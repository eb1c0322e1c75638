import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

/**
 * Regions with AWS IoT Greengrass V2 (component versions, deployments) and AWS IoT Core, from the
 * AWS General Reference's Greengrass V2 endpoint table. A Region missing here is refused by the plan.
 */
export const GREENGRASS_V2_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-5',
  'cn-north-1',
  'us-gov-east-1',
  'us-gov-west-1',
];

const THING_NAME = /^[a-zA-Z0-9_-]{1,100}$/;

export const IotItsmParameters = z.strictObject({
  thingName: z
    .string()
    .regex(THING_NAME, { error: 'an IoT thing name: letters, digits, "_" or "-", at most 100 (no ":", which the incident function keys on)' })
    .default('iot-itsm-core')
    .describe('The Greengrass V2 core device (an IoT thing) that runs the threshold component; install the Greengrass Core software with this --thing-name.'),
  temperatureLimit: z.number().finite().default(30).describe('Readings above this temperature (°C) are anomalies.'),
  humidityLimit: z.number().min(0).max(100).default(50).describe('Readings above this relative humidity (%) are anomalies.'),
  readingIntervalSeconds: z.number().int().min(1).max(3600).default(5).describe('Seconds between two readings of the component.'),
  dedupeWindowMinutes: z.number().int().min(1).max(1440).default(15).describe('Anomalies of one device within one window of this length open one incident.'),
  servicenowSecretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, { error: 'a Secrets Manager secret ARN' })
    .optional()
    .describe('Secret holding {"instanceUrl", "username", "password"} for ServiceNow. Absent: the stack creates one to fill in.'),
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarms: anomalies the rule or the function could not deliver, function errors.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type IotItsmParameters = z.output<typeof IotItsmParameters>;
