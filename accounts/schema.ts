/**
 * The organization as data: zod schemas for every file under `accounts/`.
 * Strict objects throughout: an unknown key is an error, never silently ignored.
 * The same schemas serve the command line, synth, and (later) the baseliner Lambda.
 */
import { z } from 'zod';

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** OU names as AWS Organizations allows them (any characters; "/" separates the path here), e.g. "Suspended (CT)". */
const OU_NAME = String.raw`[^/\s](?:[^/]{0,126}[^/\s])?`;
export const OU_PATH_PATTERN = new RegExp(`^(Root|${OU_NAME}(/${OU_NAME})*)$`);
/** An OU id (`ou-ab12-34cd5678`) or the root's id (`r-ab12`), as AWS Organizations prints them. */
export const OU_ID_PATTERN = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
/** Names AWS resources of the pipeline (CodePipeline, stacks, StackSets): letters, digits, dashes. */
export const PIPELINE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
/** The pipeline's name when organization.yaml names none. */
export const DEFAULT_PIPELINE_NAME = 'platform-delivery';
/** The pseudo-OU for accounts placed directly under the organization root. */
export const ROOT_OU = 'Root';

export const AccountId = z.string().regex(ACCOUNT_ID_PATTERN, { error: 'an account id must be exactly 12 digits' }).describe('A 12-digit AWS account id, quoted so YAML keeps it a string.');
export const RegionName = z.string().regex(REGION_PATTERN, { error: 'not an AWS Region name' }).describe('An AWS Region, e.g. us-east-1.');
export const Name = z.string().regex(NAME_PATTERN, { error: 'a name is lower-case letters, digits and dashes (at most 40)' });
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

export const OuId = z.string().regex(OU_ID_PATTERN, { error: 'an OU id looks like ou-ab12-34cd5678 (the root: r-ab12)' }).describe('The OU id from AWS Organizations; StackSets target OUs by id.');

/**
 * CodePipeline and CloudFormation limits. The defaults are AWS's; raise one only after AWS raised it
 * for the organization (Service Quotas).
 */
export const Quotas = z
  .strictObject({
    stagesPerPipeline: z.number().int().min(5).max(1000).default(50).describe('CodePipeline: stages per pipeline.'),
    actionsPerStage: z.number().int().min(5).max(1000).default(50).describe('CodePipeline: actions per stage.'),
    actionsPerPipeline: z.number().int().min(10).max(10_000).default(500).describe('CodePipeline: actions per pipeline.'),
    templateBytes: z.number().int().min(51_200).max(10_000_000).default(1_000_000).describe('CloudFormation: bytes of a template read from S3 (the pipeline stack, StackSet templates).'),
    actionTemplateBytes: z.number().int().min(51_200).max(10_000_000).default(512_000).describe("CodePipeline's CloudFormation action: bytes of a stack template it deploys (stages mode)."),
    resourcesPerStack: z.number().int().min(100).max(10_000).default(500).describe('CloudFormation: resources per stack.'),
  })
  .describe('Limits the plan is checked against; AWS defaults unless raised.');
export type Quotas = z.output<typeof Quotas>;

/** EventBridge's schedule expressions: rate(1 day), cron(0 6 * * ? *). */
export const SCHEDULE_PATTERN = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$/;

/** How the delivery system watches itself once deployed. */
export const Operations = z
  .strictObject({
    driftDetection: z
      .strictObject({
        enabled: z.boolean().default(true),
        schedule: z
          .string()
          .regex(SCHEDULE_PATTERN, { error: 'a schedule is rate(N unit) or cron(6 fields), e.g. rate(1 day) or cron(0 6 * * ? *)' })
          .default('cron(0 6 * * ? *)')
          .describe('When to detect drift of every stack and StackSet the pipeline deploys (EventBridge schedule, UTC).'),
      })
      .default({ enabled: true, schedule: 'cron(0 6 * * ? *)' }),
    chat: z
      .strictObject({
        slack: z
          .strictObject({
            workspaceId: z.string().regex(/^[0-9A-Z]{1,255}$/, { error: 'a Slack workspace id looks like T012ABCDEF (AWS Chatbot console → the workspace)' }),
            channelId: z.string().regex(/^[A-Za-z0-9]{1,255}$/, { error: 'a Slack channel id looks like C012ABCDEF (channel details in Slack)' }),
          })
          .optional(),
        teams: z
          .strictObject({
            teamId: z.uuid({ error: 'a Microsoft Teams team id is a UUID' }),
            tenantId: z.uuid({ error: 'a Microsoft Teams tenant id is a UUID' }),
            channelId: z
              .string()
              .regex(/^[\w\-=+/.,]*(:|%3[aA])[\w\-=+/.,]*(@|%40)[\w\-=+/.,]*$/, { error: 'a Teams channel id looks like 19:abc123@thread.tacv2 (from the channel link; URL-encoded is fine too)' })
              .describe('The channel id from its link in Teams (19:…@thread.tacv2), as it is or URL-encoded.'),
          })
          .optional(),
      })
      .optional()
      .describe(
        'Pipeline notices (failures, approvals, bake failures, drift, delivery alarms) to Slack or Microsoft Teams through AWS Chatbot (Amazon Q Developer in chat applications). The workspace or team must be authorized in the Chatbot console first.',
      ),
    baselineObjectiveMinutes: z
      .number()
      .int()
      .min(5)
      .max(1440)
      .default(60)
      .describe('SLO: minutes from Control Tower vending an account to the account fully baselined; the delivery dashboard alarms above it.'),
  })
  .describe('Drift detection, delivery metrics and their objectives.');
export type Operations = z.output<typeof Operations>;

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
    name: z
      .string()
      .regex(PIPELINE_NAME_PATTERN, { error: 'a pipeline name is a letter, then letters, digits and dashes (at most 40)' })
      .default(DEFAULT_PIPELINE_NAME)
      .describe('Names the pipeline, its stacks and its StackSets; give a second pipeline in the same account its own.'),
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, { error: 'the repository is owner/name' })
      .describe('owner/name of the repository, reached through a CodeConnections connection.'),
    branch: z.string().min(1).default('main'),
    connectionArn: z.string().regex(/^arn:aws[\w-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/, {
      error: 'not a CodeConnections connection ARN',
    }),
    notify: z
      .array(z.email({ error: 'not an email address' }))
      .default([])
      .describe('Emails subscribed to pipeline failures and approval requests.'),
    executionMode: z
      .enum(['SUPERSEDED', 'QUEUED'], { error: 'executionMode is SUPERSEDED or QUEUED (PARALLEL cannot roll back)' })
      .default('SUPERSEDED')
      .describe('SUPERSEDED: a newer commit overtakes a waiting one; QUEUED: every commit runs, in order. Both allow stage rollback.'),
  }),
  stackSets: z
    .strictObject({
      delegatedAdministrator: AccountId.optional().describe(
        'A member account registered as CloudFormation StackSets delegated administrator: StackSets are created there (CallAs DELEGATED_ADMIN). Without it they are created in the management account (CallAs SELF).',
      ),
    })
    .default({})
    .describe('Where service-managed StackSets are administered.'),
  quotas: Quotas.default(Quotas.parse({})),
  operations: Operations.default(Operations.parse({})),
  regions: z.array(RegionName).min(1, { error: 'list at least one governed Region' }).describe('Governed Regions; nothing deploys elsewhere.'),
  organizationalUnits: z.array(OuPath).default([]),
  organizationalUnitIds: z.record(OuPath, OuId).default({}).describe('OU path → OU id (Root → the root id). StackSet targets need the ids; accounts:sync writes them.'),
  accounts: z.array(Account).min(1, { error: 'list at least the management account' }),
});
export type Organization = z.output<typeof Organization>;
export type Account = z.output<typeof Account>;

/** What `accounts:sync` writes beside organization.yaml; merged in, hand-written entries win. */
export const GeneratedOrganization = z.strictObject({
  generatedBy: z.string(),
  generatedAt: z.string(),
  organizationalUnits: z.array(OuPath).default([]),
  organizationalUnitIds: z.record(OuPath, OuId).default({}),
  accounts: z.array(Account).default([]),
});
export type GeneratedOrganization = z.output<typeof GeneratedOrganization>;

// ---------------------------------------------------------------- delivery.yaml
export const DELIVERY_MODES = ['stackset', 'stages'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const Target = z.strictObject({
  accounts: z.array(z.string().min(1)).optional().describe('Account names (or ids) from organization.yaml.'),
  organizationalUnits: z.array(OuPath).optional().describe('OU paths; nested OUs are included.'),
  regions: z.array(RegionName).min(1, { error: 'list at least one Region' }),
  delivery: z
    .enum(DELIVERY_MODES, { error: 'delivery is stackset or stages' })
    .optional()
    .describe(
      'stackset: one service-managed StackSet per (wave, pattern), auto-deployed to accounts that join the OUs; stages: one CDK Stage per (pattern, account, Region). Default: stackset for a target that names OUs, stages for one that names accounts only.',
    ),
});

/** Operation preferences of a wave's StackSets; the defaults suit a first rollout. */
export const StackSetPreferences = z.strictObject({
  maxConcurrentPercentage: z.number().int().min(1).max(100).default(25).describe('Accounts deployed at once per Region, as a percentage of the targets.'),
  failureTolerancePercentage: z.number().int().min(0).max(100).default(10).describe('Failed accounts per Region, as a percentage, before the operation stops.'),
  regionConcurrency: z.enum(['PARALLEL', 'SEQUENTIAL']).default('PARALLEL').describe('Regions deployed in parallel or one after another (regionOrder).'),
  regionOrder: z.array(RegionName).optional().describe('Order of the Regions (sequential deployments, and the first Regions tried).'),
  concurrencyMode: z
    .enum(['SOFT_FAILURE_TOLERANCE', 'STRICT_FAILURE_TOLERANCE'])
    .default('SOFT_FAILURE_TOLERANCE')
    .describe('SOFT keeps the concurrency at maxConcurrentPercentage; STRICT lowers it as failures accumulate.'),
  retainStacksOnAccountRemoval: z.boolean().default(false).describe("Keep (true) or delete (false) an account's stacks when it leaves a target OU."),
});
export type StackSetPreferences = z.output<typeof StackSetPreferences>;

export const PatternRef = z.union([
  z.string().min(1).describe('A pattern id from the registry.'),
  z.strictObject({
    id: z.string().min(1),
    regions: z.array(RegionName).min(1).optional().describe("Narrows the targets' Regions for this pattern."),
    parameters: z.record(z.string(), z.unknown()).optional().describe("Checked against the pattern's own schema."),
  }),
]);

const DAY = '(SUN|MON|TUE|WED|THU|FRI|SAT)';
/** Days of the week as the cron day-of-week field writes them: MON-FRI, TUE,THU, SAT-SUN is not a range (write SAT,SUN). */
export const WINDOW_DAYS_PATTERN = new RegExp(`^${DAY}(-${DAY})?(,${DAY}(-${DAY})?)*$`);

/**
 * When a wave may enter, as CodePipeline's DeploymentWindow rule checks it. A window starts on the
 * hour and ends the same day: one cron expression (minutes × hours × days) describes it exactly.
 */
export const DeploymentWindow = z
  .strictObject({
    days: z.string().regex(WINDOW_DAYS_PATTERN, { error: 'days are cron day-of-week names: MON-FRI, or TUE,THU' }).default('MON-FRI').describe('Days the window opens, e.g. MON-FRI or TUE,THU.'),
    start: z
      .string()
      .regex(/^([01]\d|2[0-3]):00$/, { error: 'a window starts on the hour, written HH:00 on a 24-hour clock, e.g. 09:00' })
      .describe('When the window opens, HH:00 (24-hour clock, in timeZone).'),
    durationHours: z.number().int().min(1).max(24).describe('How long it stays open, in whole hours; it closes the same day.'),
    timeZone: z
      .string()
      .refine((tz) => tz === 'UTC' || Intl.supportedValuesOf('timeZone').includes(tz), { error: 'not an IANA time zone, e.g. Europe/Berlin or America/New_York' })
      .default('UTC')
      .describe('IANA time zone of start, e.g. Europe/Berlin.'),
  })
  .refine((w) => Number(w.start.slice(0, 2)) + w.durationHours <= 24, { error: 'the window must close by 24:00 of the day it opens: shorten durationHours or start earlier', path: ['durationHours'] })
  .describe('A deployment window: the wave enters only while it is open.');
export type DeploymentWindow = z.output<typeof DeploymentWindow>;

/** A bake before a wave: the previous wave's alarms must stay OK this long after it deployed. */
export const Bake = z
  .strictObject({
    minutes: z.number().int().min(5).max(2880).describe("Minutes the previous wave's alarms must stay OK after it deployed, before this wave enters."),
    alarmNamePrefixes: z.array(z.string().min(1).max(255)).min(1).optional().describe("Alarm name prefixes to watch in the previous wave's accounts; default: every alarm its pattern stacks create."),
    sampleAccounts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('Accounts of the previous wave whose alarms are read (each in all its Regions); a wave of more accounts is sampled, spread over them.'),
  })
  .describe('An alarm-gated bake of the previous wave before this one enters.');
export type Bake = z.output<typeof Bake>;

export const Wave = z.strictObject({
  name: Name,
  approval: z.boolean().default(false).describe('A manual approval gates this wave.'),
  bake: Bake.optional(),
  window: DeploymentWindow.optional(),
  targets: z.array(Target).min(1, { error: 'list at least one target' }),
  stackSets: StackSetPreferences.default(StackSetPreferences.parse({})).describe("Operation preferences of this wave's StackSets."),
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
  parameters: z.record(z.string(), ParameterValue).default({}).describe('{accountid} and {masteraccountid} are replaced in every value.'),
  terminateOnLeave: z.boolean().default(false).describe('When an account leaves the OU that gave it this product: terminate it (true), or keep it and report it (false, the default).'),
});
export type BaselineProduct = z.output<typeof BaselineProduct>;
/** The fields baseline.yaml and update files share. */
export type ProductFields = Omit<BaselineProduct, 'terminateOnLeave'>;

export const Baseline = z.strictObject({
  maxWaitMinutes: z.number().int().min(5).max(1440).default(60).describe("Bound for one account's whole baseline."),
  bootstrapProduct: Name.optional().describe('provisionName whose success starts the delivery pipeline.'),
  organizationalUnits: z.record(z.string(), z.array(BaselineProduct)).default({}).describe('Products per OU path; "default" applies to every new account.'),
});
export type Baseline = z.output<typeof Baseline>;

export const UpdateFile = z.strictObject({
  products: z
    .array(
      BaselineProduct.omit({ terminateOnLeave: true }).extend({
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
