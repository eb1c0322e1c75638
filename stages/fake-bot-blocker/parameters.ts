import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

/** The only Region where a CLOUDFRONT-scope web ACL (and its logging stream) can be created. */
export const CLOUDFRONT_SCOPE_REGION = 'us-east-1';

/** Resources a REGIONAL web ACL can protect, by ARN: an ALB, or an API Gateway REST API stage. */
const ASSOCIATABLE = /^arn:aws[a-z-]*:(elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\/[^/]+\/[0-9a-f]+|apigateway:[a-z0-9-]+::\/restapis\/[a-z0-9]+\/stages\/[A-Za-z0-9_-]+)$/;

export const FakeBotBlockerParameters = z
  .strictObject({
    scope: z
      .enum(['CLOUDFRONT', 'REGIONAL'])
      .default('CLOUDFRONT')
      .describe('CLOUDFRONT: a web ACL for CloudFront distributions (us-east-1 only; attach it by its ARN, the WebAclArn output). REGIONAL: for an ALB or an API Gateway stage.'),
    protectedResourceArn: z
      .string()
      .regex(ASSOCIATABLE, { error: 'an Application Load Balancer ARN (…:loadbalancer/app/<name>/<id>) or an API Gateway stage ARN (arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>)' })
      .optional()
      .describe('REGIONAL only: the ALB or API stage the web ACL protects, associated by the template.'),
    botControl: z.boolean().default(false).describe("Adds AWS WAF Bot Control (common inspection level): WAF's own crawler verification, billed per request on top of the web ACL."),
    verdictTtlHours: z.number().int().min(1).max(720).default(24).describe('How long a genuine or impostor verdict is cached before the address is verified again.'),
    logExpireDays: z.number().int().min(1).max(3650).default(90).describe('Days WAF logs are kept in the log bucket.'),
    notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarms: IP set full or failing, verdict table failing, processor errors.'),
    logRetentionDays: LogRetentionDays.default(365),
  })
  .refine((p) => !(p.protectedResourceArn && p.scope === 'CLOUDFRONT'), {
    error: 'a CLOUDFRONT web ACL is attached from the distribution (its WebACLId), not by the template: set scope: REGIONAL, or leave protectedResourceArn out',
    path: ['protectedResourceArn'],
  });
export type FakeBotBlockerParameters = z.output<typeof FakeBotBlockerParameters>;
