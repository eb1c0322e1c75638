/** `npm run accounts:sync`: refresh organization.generated.yaml from AWS Organizations. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import * as yaml from 'js-yaml';
import { parseOrHelp, runCommand, type CommandSpec } from './command-line';
import { CONFIG_FILES } from '../../accounts/config';
import { defaultConfigDir, loadConfig } from '../../accounts/loader';
import { formatIssue } from '../../accounts/issues';
import { generatedOrganization, readOrganization, renderGenerated } from '../../accounts/sync';

const spec = {
  name: 'accounts:sync',
  summary: `read accounts and OUs from AWS Organizations into ${CONFIG_FILES.generated} (run in the management account)`,
  usage: 'npm run accounts:sync -- [--config DIR] [--dry-run]',
  options: {
    config: { type: 'string', short: 'c' },
    'dry-run': { type: 'boolean' },
  },
  optionHelp: {
    '--config DIR': 'organization config directory (default: accounts/)',
    '--dry-run': 'print the file instead of writing it',
    '--help': 'show this help',
  },
  examples: ['AWS_PROFILE=management npm run accounts:sync', 'npm run accounts:sync -- --config ../my-org --dry-run'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function main(argv: string[], client?: OrganizationsClient, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  const dir = values.config ?? defaultConfigDir();
  // Organizations is a global service served from us-east-1; retries are ours (see withRetry).
  const orgs = client ?? new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 });
  const handWritten = readHandWrittenAccounts(dir);
  const generated = generatedOrganization(await readWithCredentialsHint(orgs), new Date(), handWritten);
  const text = renderGenerated(generated);
  if (values['dry-run']) {
    out(text);
    return 0;
  }
  const target = path.join(dir, CONFIG_FILES.generated);
  const previous = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  const temp = `${target}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, target);
  // The merged config must still load; if it does not, put the old file back and say why.
  const { issues } = loadConfig(dir);
  const ours = issues.filter((i) => i.file.endsWith(CONFIG_FILES.organization) || i.file.endsWith(CONFIG_FILES.generated));
  if (ours.length > 0) {
    if (previous === undefined) fs.rmSync(target);
    else fs.writeFileSync(target, previous);
    throw new Error(`the synced organization does not merge cleanly; ${CONFIG_FILES.generated} left as it was:\n${ours.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
  out(`wrote ${target}: ${generated.accounts.length} active accounts, ${generated.organizationalUnits.length} OUs\n`);
  for (const r of generated.renamed) out(`  account ${r.id} is "${r.name}" here: ${CONFIG_FILES.organization} gives the name "${r.wanted}" to another account\n`);
  return 0;
}

/** The accounts organization.yaml names by hand (its names are not for synced accounts to take). */
function readHandWrittenAccounts(dir: string): Array<{ id: string; name: string }> {
  const file = path.join(dir, CONFIG_FILES.organization);
  if (!fs.existsSync(file)) return [];
  const parsed = yaml.load(fs.readFileSync(file, 'utf8')) as { accounts?: Array<{ id?: unknown; name?: unknown }> } | undefined;
  return (parsed?.accounts ?? []).filter((a) => typeof a.id === 'string' && typeof a.name === 'string').map((a) => ({ id: a.id as string, name: a.name as string }));
}

/** Reads the organization; without credentials, says what to do instead of the SDK's bare message. */
async function readWithCredentialsHint(client: OrganizationsClient) {
  try {
    return await readOrganization(client);
  } catch (err) {
    if ((err as { name?: string }).name === 'CredentialsProviderError') {
      throw new Error(
        'no AWS credentials: accounts:sync reads AWS Organizations with management-account credentials. Run it with a profile of the management account (AWS_PROFILE=management npm run accounts:sync), from CloudShell in the management account, or in the pipeline (its synth step runs it).',
        { cause: err },
      );
    }
    throw err;
  }
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
