import { z } from 'zod';
import { ApiThrottle } from '../shared/http-api';
import { LogRetentionDays } from '../shared/log-retention';

export const ApiFacadeParameters = z.strictObject({
  backendUrl: z.url({ protocol: /^https$/, error: 'backendUrl is the https URL of the legacy SOAP endpoint' }).describe('The legacy customer service (SOAP 1.1 over HTTPS).'),
  backendSecretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, { error: 'a Secrets Manager secret ARN' })
    .optional()
    .describe('Secret holding {"username", "password"} for the legacy service. Absent: the stack creates one to fill in.'),
  backendTimeoutMs: z.number().int().min(500).max(25_000).default(5000).describe('Time the legacy service gets per call (API Gateway stops at 29 s).'),
  usagePlan: z
    .strictObject({
      rateLimit: z.number().min(1).max(10_000).default(20).describe('Requests per second per API key.'),
      burstLimit: z.number().int().min(1).max(5_000).default(40),
      quotaLimit: z.number().int().min(1).default(100_000).describe('Requests per quota period per API key.'),
      quotaPeriod: z.enum(['DAY', 'WEEK', 'MONTH']).default('MONTH'),
    })
    .default({ rateLimit: 20, burstLimit: 40, quotaLimit: 100_000, quotaPeriod: 'MONTH' }),
  stageThrottle: ApiThrottle,
  privateEndpoint: z
    .strictObject({ vpcEndpointId: z.string().regex(/^vpce-[0-9a-f]{8,17}$/, { error: 'an execute-api interface endpoint id, vpce-…' }) })
    .optional()
    .describe('Make the API private, reachable only through this execute-api VPC endpoint.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type ApiFacadeParameters = z.output<typeof ApiFacadeParameters>;
