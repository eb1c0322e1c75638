/**
 * `npm run baseline:plan -- --account ID --ou PATH`: which Service Catalog products a new account in
 * that OU would get from baseline.yaml, in which order (dependency levels), with its parameters
 * resolved, and the triggers it would come through. `--from-ou A --to-ou B`: what a move changes.
 * The same selection and comparison code as the baseliner Lambda; no AWS.
 */
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from './command-line';
import { suggestion } from '../../accounts/issues';
import { defaultConfigDir, loadConfig } from '../../accounts/loader';
import { ACCOUNT_ID_PATTERN, ROOT_OU } from '../../accounts/schema';
import { isGoverned, planAccount, planChanges, SelectionError, type PlannedProduct } from '../../accounts/baseline-selection';

const spec = {
  name: 'baseline:plan',
  summary: 'show the products a new account would get from baseline.yaml, in provisioning order',
  usage: 'npm run baseline:plan -- --account ID (--ou PATH | --from-ou PATH --to-ou PATH) [--config DIR] [--format table|json]',
  options: {
    account: { type: 'string', short: 'a' },
    ou: { type: 'string', short: 'o' },
    'from-ou': { type: 'string' },
    'to-ou': { type: 'string' },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'table' },
  },
  optionHelp: {
    '--account ID': 'the new account id (12 digits)',
    '--ou PATH': 'its OU path from the root, e.g. Workloads/Prod (or Root)',
    '--from-ou PATH': 'with --to-ou: the OU an account leaves; prints what the move changes',
    '--to-ou PATH': 'the OU it moves to',
    '--config DIR': 'organization config directory (default: accounts/)',
    '--format F': 'table (default) or json',
    '--help': 'show this help',
  },
  examples: [
    'npm run baseline:plan -- --account 777777777777 --ou Workloads/Prod',
    'npm run baseline:plan -- -a 777777777777 -o Sandbox --format json',
    'npm run baseline:plan -- --account 444444444444 --from-ou Workloads/Dev --to-ou Workloads/Prod',
  ],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }>>;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  const account = values.account;
  const ou = values.ou;
  const fromOu = values['from-ou'];
  const toOu = values['to-ou'];
  const format = values.format;
  const move = fromOu !== undefined || toOu !== undefined;
  if (!account || (!ou && !move)) throw new UsageError('--account and --ou (or --from-ou and --to-ou) are required\nRun with --help for the options.');
  if (move && (!fromOu || !toOu)) throw new UsageError('--from-ou and --to-ou go together');
  if (move && ou) throw new UsageError('give --ou, or --from-ou and --to-ou, not both');
  if (!ACCOUNT_ID_PATTERN.test(account)) throw new UsageError(`--account "${account}" is not a 12-digit account id`);
  if (format !== 'table' && format !== 'json') throw new UsageError(`unknown format "${format}": use table or json`);
  const { config, issues } = loadConfig(values.config ?? defaultConfigDir());
  if (!config || issues.length > 0) {
    printIssues(issues, err);
    return 1;
  }
  const ous = [ROOT_OU, ...config.organization.organizationalUnits];
  for (const [flag, value] of [
    ['--ou', ou],
    ['--from-ou', fromOu],
    ['--to-ou', toOu],
  ] as const) {
    if (value !== undefined && !ous.includes(value)) throw new UsageError(`${flag} "${value}" is not an OU of organization.yaml (${suggestion(value, ous, 'OU')})`);
  }
  const governed = config.organization.organizationalUnits;
  const plan = (ouPath: string): PlannedProduct[][] => {
    if (!isGoverned(ouPath, governed)) return [];
    try {
      return planAccount(config.baseline, { accountId: account, ouPath }, config.organization.management.account);
    } catch (e) {
      if (e instanceof SelectionError) throw new UsageError(`baseline.yaml: ${e.message}`);
      throw e;
    }
  };
  if (move) {
    out(renderMove(account, fromOu!, toOu!, plan(fromOu!).flat(), plan(toOu!).flat(), governed, format));
    return 0;
  }
  const levels = plan(ou!);
  if (format === 'json') {
    out(
      `${JSON.stringify({ account, ou, governed: isGoverned(ou!, governed), triggers: triggersInto(ou!, governed), maxWaitMinutes: config.baseline.maxWaitMinutes, bootstrapProduct: config.baseline.bootstrapProduct ?? null, levels }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [`Baseline for ${account} in ${ou} (${levels.flat().length} products, at most ${config.baseline.maxWaitMinutes} minutes)`, ''];
  if (!isGoverned(ou!, governed)) lines.push(`  nothing: ${ou} is not governed (organization.yaml organizationalUnits)`);
  else if (levels.length === 0) lines.push('  nothing: no product in baseline.yaml applies to this OU');
  levels.forEach((level, i) => {
    lines.push(`Level ${i + 1}${level.length > 1 ? ' (in parallel)' : ''}`);
    for (const p of level) {
      const tags = [p.version ? `version ${p.version}` : 'newest version', `portfolio ${p.portfolio}`, `Regions ${p.regions.join(', ')}`];
      if (p.dependsOn.length) tags.push(`after ${p.dependsOn.join(', ')}`);
      if (p.provisionName === config.baseline.bootstrapProduct) tags.push('starts the pipeline');
      if (p.terminateOnLeave) tags.push('terminated if the account leaves the OU');
      lines.push(`  ${p.provisionedProductName}  (${p.product}; ${tags.join('; ')})`);
      for (const [k, v] of Object.entries(p.parameters)) lines.push(`      ${k} = ${v}`);
    }
  });
  const triggers = triggersInto(ou!, governed);
  if (triggers.length) lines.push('', 'It arrives through any of (one execution, whichever comes first):', ...triggers.map((t) => `  - ${t}`));
  out(`${lines.join('\n')}\n`);
  return 0;
}

/** The ways an account reaches the baseliner in this OU: every one resolves to the same selection. */
export function triggersInto(ouPath: string, governed: readonly string[]): string[] {
  if (!isGoverned(ouPath, governed)) return [];
  return [
    `Control Tower CreateManagedAccount / UpdateManagedAccount (Account Factory) into ${ouPath}: enrolled, no gate`,
    `Organizations MoveAccount into ${ouPath} (auto-enrollment): waits until Control Tower lists the account enrolled`,
    `Control Tower EnableBaseline / ResetEnabledBaseline / UpdateEnabledBaseline on ${ouPath} or the account: waits for enrollment`,
    'the periodic reconcile (hourly by default), if a product is missing: waits for enrollment',
  ];
}

/** What moving the account from one OU to another changes: the trigger's comparison, on config alone. */
function renderMove(account: string, fromOu: string, toOu: string, before: readonly PlannedProduct[], after: readonly PlannedProduct[], governed: readonly string[], format: string): string {
  // Offline there are no artifact ids: the version as written stands for it.
  const fingerprint = (p: PlannedProduct) => JSON.stringify([p.product, p.version ?? 'newest', p.portfolio, [...p.regions].sort(), Object.entries(p.parameters).sort()]);
  const had = new Map(before.map((p) => [p.provisionName, p]));
  const changes = planChanges(
    after.map((p) => ({ ...p, fingerprint: fingerprint(p) })),
    before.map((p) => ({ provisionName: p.provisionName, product: p.product, status: 'done', fingerprint: fingerprint(p), terminateOnLeave: p.terminateOnLeave })),
    (name) => had.has(name),
  );
  const differs = (p: PlannedProduct): string[] => {
    const o = had.get(p.provisionName)!;
    const out: string[] = [];
    if (o.product !== p.product) out.push(`product ${o.product} → ${p.product}`);
    if ((o.version ?? 'newest') !== (p.version ?? 'newest')) out.push(`version ${o.version ?? 'newest'} → ${p.version ?? 'newest'}`);
    if ([...o.regions].sort().join() !== [...p.regions].sort().join()) out.push(`Regions ${o.regions.join(', ')} → ${p.regions.join(', ')}`);
    for (const k of new Set([...Object.keys(o.parameters), ...Object.keys(p.parameters)]))
      if (o.parameters[k] !== p.parameters[k]) out.push(`${k} ${o.parameters[k] ?? '(unset)'} → ${p.parameters[k] ?? '(unset)'}`);
    return out;
  };
  const summary = {
    account,
    fromOu,
    toOu,
    governed: isGoverned(toOu, governed),
    trigger: isGoverned(toOu, governed) ? `Organizations MoveAccount into ${toOu}, then the enrollment gate` : `none: ${toOu} is not governed, so the baseliner ignores the move and nothing changes`,
    deploy: changes.provision.filter((p) => p.action === 'deploy').map((p) => p.provisionName),
    update: changes.provision.filter((p) => p.action === 'update').map((p) => ({ provisionName: p.provisionName, changes: differs(p) })),
    unchanged: changes.unchanged,
    terminate: isGoverned(toOu, governed) ? changes.left.filter((l) => l.terminate).map((l) => l.provisionName) : [],
    keep: isGoverned(toOu, governed) ? changes.left.filter((l) => !l.terminate).map((l) => l.provisionName) : before.map((p) => p.provisionName),
  };
  if (format === 'json') return `${JSON.stringify(summary, null, 2)}\n`;
  const lines = [`Moving ${account} from ${fromOu} to ${toOu}`, `  trigger: ${summary.trigger}`];
  if (summary.governed) {
    lines.push(`  deploy:    ${summary.deploy.join(', ') || '(nothing)'}`);
    lines.push(`  update:    ${summary.update.map((u) => `${u.provisionName} (${u.changes.join('; ')})`).join(', ') || '(nothing)'}`);
    lines.push(`  unchanged: ${summary.unchanged.join(', ') || '(nothing)'}`);
    lines.push(`  terminate: ${summary.terminate.join(', ') || '(nothing)'}`);
    lines.push(`  keep:      ${summary.keep.join(', ') || '(nothing)'}${summary.keep.length ? ' (left its OU; terminateOnLeave is false: reported, not terminated)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
