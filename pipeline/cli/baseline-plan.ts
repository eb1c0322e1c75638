/**
 * `npm run baseline:plan -- --account ID --ou PATH`: which Service Catalog products a new account in
 * that OU would get from baseline.yaml, in which order (dependency levels), with its parameters
 * resolved. The same selection code as the baseliner Lambda; no AWS.
 */
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from '../../accounts/command-line';
import { suggestion } from '../../accounts/issues';
import { defaultConfigDir, loadConfig } from '../../accounts/loader';
import { ACCOUNT_ID_PATTERN, ROOT_OU } from '../../accounts/schema';
import { planAccount, SelectionError, type PlannedProduct } from '../../functions/baseliner/shared/selection';

const spec = {
  name: 'baseline:plan',
  summary: 'show the products a new account would get from baseline.yaml, in provisioning order',
  usage: 'npm run baseline:plan -- --account ID --ou PATH [--config DIR] [--format table|json]',
  options: {
    account: { type: 'string', short: 'a' },
    ou: { type: 'string', short: 'o' },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'table' },
  },
  optionHelp: {
    '--account ID': 'the new account id (12 digits)',
    '--ou PATH': 'its OU path from the root, e.g. Workloads/Prod (or Root)',
    '--config DIR': 'organization config directory (default: accounts/)',
    '--format F': 'table (default) or json',
    '--help': 'show this help',
  },
  examples: ['npm run baseline:plan -- --account 777777777777 --ou Workloads/Prod', 'npm run baseline:plan -- -a 777777777777 -o Sandbox --format json'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }>>;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  const account = values.account as string | undefined;
  const ou = values.ou as string | undefined;
  const format = values.format as string;
  if (!account || !ou) throw new UsageError('--account and --ou are required\nRun with --help for the options.');
  if (!ACCOUNT_ID_PATTERN.test(account)) throw new UsageError(`--account "${account}" is not a 12-digit account id`);
  if (format !== 'table' && format !== 'json') throw new UsageError(`unknown format "${format}": use table or json`);
  const { config, issues } = loadConfig((values.config as string | undefined) ?? defaultConfigDir());
  if (!config || issues.length > 0) {
    printIssues(issues, err);
    return 1;
  }
  const ous = [ROOT_OU, ...config.organization.organizationalUnits];
  if (!ous.includes(ou)) throw new UsageError(`--ou "${ou}" is not an OU of organization.yaml (${suggestion(ou, ous, 'OU')})`);
  let levels: PlannedProduct[][];
  try {
    levels = planAccount(config.baseline, { accountId: account, ouPath: ou }, config.organization.management.account);
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(`baseline.yaml: ${e.message}`);
    throw e;
  }
  if (format === 'json') {
    out(`${JSON.stringify({ account, ou, maxWaitMinutes: config.baseline.maxWaitMinutes, bootstrapProduct: config.baseline.bootstrapProduct ?? null, levels }, null, 2)}\n`);
    return 0;
  }
  const lines = [`Baseline for ${account} in ${ou} (${levels.flat().length} products, at most ${config.baseline.maxWaitMinutes} minutes)`, ''];
  if (levels.length === 0) lines.push('  nothing: no product in baseline.yaml applies to this OU');
  levels.forEach((level, i) => {
    lines.push(`Level ${i + 1}${level.length > 1 ? ' (in parallel)' : ''}`);
    for (const p of level) {
      const tags = [p.version ? `version ${p.version}` : 'newest version', `portfolio ${p.portfolio}`, `Regions ${p.regions.join(', ')}`];
      if (p.dependsOn.length) tags.push(`after ${p.dependsOn.join(', ')}`);
      if (p.provisionName === config.baseline.bootstrapProduct) tags.push('starts the pipeline');
      lines.push(`  ${p.provisionedProductName}  (${p.product}; ${tags.join('; ')})`);
      for (const [k, v] of Object.entries(p.parameters)) lines.push(`      ${k} = ${v}`);
    }
  });
  out(`${lines.join('\n')}\n`);
  return 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
