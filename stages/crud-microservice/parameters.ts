import { z } from 'zod';
import { ApiThrottle } from '../shared/http-api';
import { LogRetentionDays } from '../shared/log-retention';

export const CrudMicroserviceParameters = z.strictObject({
  jwt: z
    .strictObject({
      issuer: z.url({ protocol: /^https$/, error: 'the issuer is an https URL (the iss claim of the tokens)' }).describe('Token issuer (the iss claim), e.g. https://login.example.com/.'),
      audience: z.array(z.string().min(1)).min(1).describe('Accepted audiences (the aud or client_id claim).'),
    })
    .optional()
    .describe('Your own identity provider. Absent: the stack creates a Cognito user pool and app client, and the API accepts their tokens.'),
  mfa: z.enum(['required', 'optional']).default('optional').describe('Cognito user pool MFA (TOTP). required makes every user enroll an authenticator app.'),
  throttle: ApiThrottle,
  corsOrigins: z.array(z.url()).max(10).optional().describe('Browser origins allowed to call the API (CORS). Absent: no CORS.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type CrudMicroserviceParameters = z.output<typeof CrudMicroserviceParameters>;
