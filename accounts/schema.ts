/**
 * The organization as data: zod schemas for every file under `accounts/`.
 * Strict objects throughout: an unknown key is an error, never silently ignored.
 * The same schemas serve the command line, synth, and (later) the baseliner Lambda.
 */
import { z } from 'zod';

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const OU_PATH_PATTERN = /^(Root|[A-Za-z0-9][\w .-]*(\/[A-Za-z0-9][\w .-]*)*)$/;
/** The pseudo-OU for accounts placed directly under the organization root. */
export const ROOT_OU = 'Root';

export const AccountId = z
  .string()
  .regex(ACCOUNT_ID_PATTERN, { error: 'an account id must be exactly 12 digits' })
  .describe('A 12-digit AWS account id, quoted so YAML keeps it a string.');
export const RegionName = z
  .string()
  .regex(REGION_PATTERN, { error: 'not an AWS Region name' })
  .describe('An AWS Region, e.g. us-east-1.');
export const Name = z
  .string()
  .regex(NAME_PATTERN, { error: 'a name is lower-case letters, digits and dashes (at most 40)' });
export const OuPath = z
  .string()
  .regex(OU_PATH_PATTERN, { error: 'an OU is a path from the root, e.g. Workloads/Prod, or Root' })
  .describe('Organizational unit path from the root, e.g. Workloads/Prod; Root for the root itself.');

// ---------------------------------------------------------------- organization.yaml
export const Account = z.strictObject({
  name: Name.describe('Short name used everywhere else in the config.'),
  id: AccountId,
  email: z.email({ error: 'not an email address' }),
  ou: OuPath,
});

export const Organization = z.strictObject({
  management: z.strictObject({
    account: AccountId.describe('The Control Tower management account: home of the pipeline and the baseliner.'),
    homeRegion: RegionName.describe('The Control Tower home Region.'),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, { error: 'an organization id looks like o-a1b2c3d4e5' })
      .optional()
      .describe('AWS Organizations id; org-scoped policies (catalog asset buckets, portfolio share) need it.'),
  }),
  pipeline: z.strictObject({
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, { error: 'the repository is owner/name' })
      .describe('owner/name of the repository, reached through a CodeConnections connection.'),
    branch: z.string().min(1).default('main'),
    connectionArn: z
      .string()
      .regex(/^arn:aws[\w-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/, {
        error: 'not a CodeConnections connection ARN',
      }),
    notify: z
      .array(z.email({ error: 'not an email address' }))
      .default([])
      .describe('Emails subscribed to pipeline failures and approval requests.'),
  }),
  regions: z.array(RegionName).min(1, { error: 'list at least one governed Region' }).describe('Governed Regions; nothing deploys elsewhere.'),
  organizationalUnits: z.array(OuPath).default([]),
  accounts: z.array(Account).min(1, { error: 'list at least the management account' }),
});
export type Organization = z.output<typeof Organization>;
export type Account = z.output<typeof Account>;

/** What `accounts:sync` writes beside organization.yaml; merged in, hand-written entries win. */
export const GeneratedOrganization = z.strictObject({
  generatedBy: z.string(),
  generatedAt: z.string(),
  organizationalUnits: z.array(OuPath).default([]),
  accounts: z.array(Account).default([]),
});
export type GeneratedOrganization = z.output<typeof GeneratedOrganization>;

// ---------------------------------------------------------------- delivery.yaml
export const Target = z.strictObject({
  accounts: z.array(z.string().min(1)).optional().describe('Account names (or ids) from organization.yaml.'),
  organizationalUnits: z.array(OuPath).optional().describe('OU paths; nested OUs are included.'),
  regions: z.array(RegionName).min(1, { error: 'list at least one Region' }),
});

export const PatternRef = z.union([
  z.string().min(1).describe('A pattern id from the registry.'),
  z.strictObject({
    id: z.string().min(1),
    regions: z.array(RegionName).min(1).optional().describe("Narrows the targets' Regions for this pattern."),
    parameters: z.record(z.string(), z.unknown()).optional().describe("Checked against the pattern's own schema."),
  }),
]);

export const Wave = z.strictObject({
  name: Name,
  approval: z.boolean().default(false).describe('A manual approval gates this wave.'),
  targets: z.array(Target).min(1, { error: 'list at least one target' }),
  patterns: z.array(PatternRef).min(1, { error: 'list at least one pattern' }),
});

export const Delivery = z.strictObject({
  waves: z.array(Wave).min(1, { error: 'list at least one wave' }),
});
export type Delivery = z.output<typeof Delivery>;
export type Wave = z.output<typeof Wave>;
export type Target = z.output<typeof Target>;

// ---------------------------------------------------------------- baseline.yaml and updates/*.yaml
const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);
export const BaselineProduct = z.strictObject({
  product: z.string().min(1).describe('Service Catalog product name.'),
  version: z.string().min(1).optional().describe('Provisioning artifact name; the newest when omitted.'),
  portfolio: z.string().min(1),
  provisionName: Name.describe('Provisioned as <accountId>-<provisionName>.'),
  dependsOn: z.array(Name).default([]).describe('provisionNames that must succeed first.'),
  regions: z.array(RegionName).min(1),
  parameters: z
    .record(z.string(), ParameterValue)
    .default({})
    .describe('{accountid} and {masteraccountid} are replaced in every value.'),
});
export type BaselineProduct = z.output<typeof BaselineProduct>;

export const Baseline = z.strictObject({
  maxWaitMinutes: z.number().int().min(5).max(1440).default(60).describe("Bound for one account's whole baseline."),
  bootstrapProduct: Name.optional().describe('provisionName whose success starts the delivery pipeline.'),
  organizationalUnits: z
    .record(z.string(), z.array(BaselineProduct))
    .default({})
    .describe('Products per OU path; "default" applies to every new account.'),
});
export type Baseline = z.output<typeof Baseline>;

export const UpdateFile = z.strictObject({
  products: z
    .array(
      BaselineProduct.extend({
        accounts: z.array(AccountId).default([]),
        organizationalUnits: z.array(OuPath).default([]).describe('Nested OUs included.'),
        deployIfNotExist: z.boolean().default(false).describe('true: provision where missing; false: update only.'),
      }),
    )
    .min(1),
});
export type UpdateFile = z.output<typeof UpdateFile>;

/** Every schema with the file it governs, for the JSON Schema generator. */
export const SCHEMA_FILES = {
  'organization.schema.json': Organization,
  'organization.generated.schema.json': GeneratedOrganization,
  'delivery.schema.json': Delivery,
  'baseline.schema.json': Baseline,
  'update.schema.json': UpdateFile,
} as const;
