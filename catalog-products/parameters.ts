import { z } from 'zod';

export const SELF_SERVICE_PATTERNS = ['sns-fifo-jobs', 'privatelink-lambda'] as const;

export const CatalogParameters = z.strictObject({
  portfolio: z
    .strictObject({
      name: z.string().min(1).max(100).default('platform-baseline').describe('Portfolio display name; baseline.yaml names it.'),
      description: z.string().max(2000).default('Baseline products for every account, and self-service serverless patterns.'),
      provider: z.string().min(1).max(50).default('Platform team'),
    })
    .prefault({})
    .describe('The portfolio: name (baseline.yaml names it), description, provider.'),
  share: z
    .strictObject({
      organization: z.boolean().default(true).describe('Share with the whole organization (management.organizationId).'),
      organizationalUnitIds: z
        .array(z.string().regex(/^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/, { error: 'an OU id looks like ou-ab12-cd345678' }))
        .default([])
        .describe('Share with these OUs instead (ids, as Organizations shows them).'),
    })
    .prefault({})
    .describe('Who sees the portfolio: the whole organization, or the OUs listed.'),
  tagOptions: z
    .record(z.string().min(1).max(127), z.array(z.string().min(1).max(255)).min(1))
    .default({ 'platform:environment': ['dev', 'test', 'prod'] })
    .describe('TagOptions: the tag keys and values a launch may choose from.'),
  selfService: z
    .array(z.enum(SELF_SERVICE_PATTERNS))
    .default([...SELF_SERVICE_PATTERNS])
    .describe('Patterns offered as self-service products.'),
});
export type CatalogParameters = z.output<typeof CatalogParameters>;
