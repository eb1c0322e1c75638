import { z } from 'zod';
import { LogRetentionDays } from '../shared/log-retention';

export const ContentAggregatorParameters = z.strictObject({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, { error: 'a GitHub repository as owner/name' })
    .describe('The repository holding the content file (required: where the site lives).'),
  filePath: z
    .string()
    .regex(/^[^/\s][^\s]*\.json$/, { error: 'a path to a .json file in the repository, e.g. frontend/content.json' })
    .default('frontend/content.json')
    .describe('The JSON list of posts the site reads.'),
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,255}$/, { error: 'a branch name' })
    .default('main')
    .describe('Branch the commit goes to.'),
  feedUrl: z
    .url({ protocol: /^https$/, error: 'an https feed URL' })
    .default('https://aws.amazon.com/blogs/compute/feed/')
    .describe('RSS or Atom feed read every run.'),
  scheduleHours: z.number().int().min(1).max(24).default(2).describe('Hours between runs.'),
  scheduleEnabled: z.boolean().default(true).describe('false: the schedule is created disabled (run the state machine by hand).'),
  maxItems: z.number().int().min(1).max(100).default(20).describe('Newest feed items looked at per run.'),
  tokenParameter: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\-/]{1,1010}$/, { error: 'an SSM parameter name starting with /' })
    .default('/GitHubAPIKey')
    .describe('SSM SecureString holding a GitHub token with contents:write on the repository (created by you, not by the stack).'),
  notifyEmail: z.email().optional().describe('Subscribed to failed runs.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type ContentAggregatorParameters = z.output<typeof ContentAggregatorParameters>;
