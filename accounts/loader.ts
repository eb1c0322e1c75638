/**
 * Reads `accounts/` into typed objects, or into every issue found at once.
 * Layers, as in Landing Zone Accelerator: YAML syntax → schema → cross-checks.
 * It knows nothing of patterns: the planner checks config against the registry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, suggestion } from './issues';
import { Baseline, Delivery, GeneratedOrganization, Organization, ROOT_OU, UpdateFile, type Account, type ProductFields, type DeliveryMode, type Target } from './schema';
import { fromZodIssues } from './zod-issues';

export const CONFIG_FILES = {
  organization: 'organization.yaml',
  generated: 'organization.generated.yaml',
  delivery: 'delivery.yaml',
  baseline: 'baseline.yaml',
  updates: 'updates',
} as const;

/** The sample organization shipped with the repository: the default `--config`. */
export const DEFAULT_CONFIG_DIR = path.resolve(__dirname);

/** The default config directory as a user would write it from here (`accounts` in the repository). */
export function defaultConfigDir(cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, DEFAULT_CONFIG_DIR);
  return rel && !rel.startsWith('..') ? rel : DEFAULT_CONFIG_DIR;
}

export interface Config {
  /** The directory as the user named it; file names in messages start with it. */
  readonly dir: string;
  readonly organization: Organization;
  readonly delivery: Delivery;
  readonly baseline: Baseline;
  readonly updates: ReadonlyArray<{ readonly file: string; readonly content: UpdateFile }>;
  /** Where each of organization.accounts was written: organization.yaml or the generated file, and its index there. */
  readonly accountOrigins: ReadonlyArray<{ readonly file: string; readonly index: number }>;
}

export interface LoadResult {
  /** Present when every file parsed and matched its schema (cross-check issues may still exist). */
  readonly config?: Config;
  readonly issues: ConfigIssue[];
}

/** Loads and validates a config directory; never throws for bad content. */
export function loadConfig(dir: string = defaultConfigDir()): LoadResult {
  const issues: ConfigIssue[] = [];
  const shown = (name: string) => path.join(dir, name);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { issues: [{ file: dir, path: '', problem: 'no such config directory', fix: 'pass --config DIR with organization.yaml and delivery.yaml in it' }] };
  }
  const unreadable = unreadableIssue(dir, 'folder');
  if (unreadable) return { issues: [unreadable] };

  const organization = parseFile(shown(CONFIG_FILES.organization), Organization, issues, true);
  const generated = parseFile(shown(CONFIG_FILES.generated), GeneratedOrganization, issues, false);
  const delivery = parseFile(shown(CONFIG_FILES.delivery), Delivery, issues, true);
  const baselineFileIssues = issues.length;
  const parsedBaseline = parseFile(shown(CONFIG_FILES.baseline), Baseline, issues, false);
  const baselineParsed = issues.length === baselineFileIssues;
  const baseline = parsedBaseline ?? Baseline.parse({});
  const updates: Array<{ file: string; content: UpdateFile }> = [];
  const updatesDir = path.join(dir, CONFIG_FILES.updates);
  const updatesUnreadable = fs.existsSync(updatesDir) ? unreadableIssue(updatesDir, fs.statSync(updatesDir).isDirectory() ? 'folder' : 'file') : undefined;
  if (updatesUnreadable) issues.push(updatesUnreadable);
  else if (fs.existsSync(updatesDir) && !fs.statSync(updatesDir).isDirectory()) {
    issues.push({
      file: shown(CONFIG_FILES.updates),
      path: '',
      problem: 'is a file; update files go in a folder of this name',
      fix: `make ${CONFIG_FILES.updates} a folder of <name>.yaml files (or remove it: no rollout is pending)`,
    });
  } else if (fs.existsSync(updatesDir)) {
    for (const name of fs
      .readdirSync(updatesDir)
      .filter((n) => /\.ya?ml$/i.test(n))
      .sort()) {
      const file = shown(path.join(CONFIG_FILES.updates, name));
      const refused = updateFileNameIssue(name);
      if (refused) {
        issues.push({ file, path: '', ...refused });
        continue;
      }
      const content = parseFile(file, UpdateFile, issues, true);
      if (content) updates.push({ file, content });
    }
  }
  if (!organization || !delivery) return { issues };
  const parseIssues = issues.length;

  const merged = generated ? mergeGenerated(organization, generated) : organization;
  const kept = generated ? generatedAccountsKept(organization, generated) : [];
  const accountOrigins = [...organization.accounts.map((_, index) => ({ file: shown(CONFIG_FILES.organization), index })), ...kept.map((index) => ({ file: shown(CONFIG_FILES.generated), index }))];
  const config: Config = { dir, organization: merged, delivery, baseline, updates, accountOrigins };
  // Every check whose files parsed runs, so a broken baseline.yaml does not hide a delivery.yaml error.
  issues.push(...checkOrganization(config), ...checkDelivery(config), ...(baselineParsed ? checkBaseline(config) : []), ...checkUpdates(config));
  // A config is returned only when every file parsed: callers never see a stand-in for a broken file.
  return parseIssues > 0 ? { issues } : { config, issues };
}

/** A file or folder this process may not read: said so, rather than reported as missing. */
function unreadableIssue(target: string, kind: 'file' | 'folder'): ConfigIssue | undefined {
  try {
    fs.accessSync(target, kind === 'folder' ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return {
      file: target,
      path: '',
      problem: `the ${kind} cannot be read (${code})`,
      fix: `give the user running this read${kind === 'folder' ? ' and search (x)' : ''} permission: chmod ${kind === 'folder' ? 'u+rx' : 'u+r'} ${target}`,
    };
  }
}

/** Update file names the baseliner runs: `updates/*.yaml`, in characters that S3 keys and events carry unchanged. */
export const UPDATE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/;

/** Why an update file's name is refused, or nothing: a file the baseliner would never run is an error here, not a silent no-op there. */
export function updateFileNameIssue(name: string): { problem: string; fix: string } | undefined {
  if (/\.yml$/i.test(name) || /\.YAML$/.test(name)) {
    return { problem: 'update files end in .yaml: the baseliner runs updates/*.yaml only, so this one would be uploaded and never run', fix: `rename it to ${name.replace(/\.ya?ml$/i, '.yaml')}` };
  }
  if (!UPDATE_FILE_NAME.test(name)) {
    return {
      problem: `"${name}" has characters that S3 encodes in keys and events (spaces, %, +, and others)`,
      fix: `rename it with letters, digits, ".", "_" and "-" only, for example ${
        name
          .replace(/\.yaml$/, '')
          .replace(/[^A-Za-z0-9._-]+/g, '-')
          .replace(/^[^A-Za-z0-9]+|-+$/g, '') || 'update'
      }.yaml`,
    };
  }
  return undefined;
}

/** Loads a config or throws one ConfigError listing every issue. */
export function loadConfigOrThrow(dir?: string): Config {
  const { config, issues } = loadConfig(dir);
  if (!config || issues.length > 0) throw new ConfigError(issues);
  return config;
}

function parseFile<S extends z.ZodType>(file: string, schema: S, issues: ConfigIssue[], required: boolean): z.output<S> | undefined {
  if (!fs.existsSync(file)) {
    if (required) issues.push({ file, path: '', problem: 'file not found', fix: 'create it; see the sample in accounts/ and README "Configuration"' });
    return undefined;
  }
  if (fs.statSync(file).isDirectory()) {
    issues.push({ file, path: '', problem: 'is a folder, not a YAML file', fix: `replace it with the file ${path.basename(file)}` });
    return undefined;
  }
  const unreadable = unreadableIssue(file, 'file');
  if (unreadable) {
    issues.push(unreadable);
    return undefined;
  }
  let data: unknown;
  try {
    data = yaml.load(fs.readFileSync(file, 'utf8'), { filename: file });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message: string };
    const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    issues.push({ file, path: where, problem: `YAML syntax: ${e.reason ?? e.message}` });
    return undefined;
  }
  if (data === undefined || data === null) data = {};
  const result = schema.safeParse(data);
  if (!result.success) {
    issues.push(...fromZodIssues(file, schema, data, result.error.issues));
    return undefined;
  }
  return result.data;
}

/** Indexes of the synced accounts that the merge keeps: those organization.yaml does not name (by id or name). */
function generatedAccountsKept(org: Organization, gen: GeneratedOrganization): number[] {
  const ids = new Set(org.accounts.map((a) => a.id));
  const names = new Set(org.accounts.map((a) => a.name));
  return gen.accounts.flatMap((a, i) => (!ids.has(a.id) && !names.has(a.name) ? [i] : []));
}

/** Synced accounts and OUs fill in; hand-written entries (same id or name) win. */
export function mergeGenerated(org: Organization, gen: GeneratedOrganization): Organization {
  const extra = generatedAccountsKept(org, gen).map((i) => gen.accounts[i]);
  const ous = [...org.organizationalUnits, ...gen.organizationalUnits.filter((ou) => !org.organizationalUnits.includes(ou))];
  return { ...org, organizationalUnits: ous, organizationalUnitIds: { ...gen.organizationalUnitIds, ...org.organizationalUnitIds }, accounts: [...org.accounts, ...extra] };
}

// ---------------------------------------------------------------- cross-checks

function checkOrganization(config: Config): ConfigIssue[] {
  const { organization: org } = config;
  const file = path.join(config.dir, CONFIG_FILES.organization);
  const issues: ConfigIssue[] = [];
  const ouSet = new Set(org.organizationalUnits);

  if (!org.regions.includes(org.management.homeRegion)) {
    issues.push({ file, path: 'management.homeRegion', problem: `home Region "${org.management.homeRegion}" is not governed`, fix: `add it to regions: [${org.regions.join(', ')}]` });
  }
  duplicates(org.regions).forEach(([, i]) => issues.push({ file, path: `regions[${i}]`, problem: `Region "${org.regions[i]}" is listed twice`, fix: 'remove the second entry' }));
  duplicates(org.organizationalUnits).forEach(([first, i]) =>
    issues.push({ file, path: `organizationalUnits[${i}]`, problem: `OU "${org.organizationalUnits[i]}" is listed twice (first at organizationalUnits[${first}])`, fix: 'remove the second entry' }),
  );
  org.organizationalUnits.forEach((ou, i) => {
    if (ou === ROOT_OU) issues.push({ file, path: `organizationalUnits[${i}]`, problem: `"${ROOT_OU}" is the organization root, not an OU`, fix: 'remove it; accounts may still use ou: Root' });
    const parent = ou.includes('/') ? ou.slice(0, ou.lastIndexOf('/')) : undefined;
    if (parent && !ouSet.has(parent))
      issues.push({ file, path: `organizationalUnits[${i}]`, problem: `the parent OU "${parent}" of "${ou}" is not listed`, fix: `add "${parent}" to organizationalUnits` });
  });

  // An account's issue is the file's that holds it: organization.yaml or the generated file.
  const account = (i: number) => config.accountOrigins[i] ?? { file, index: i };
  const named = (i: number, from: number) => (account(i).file === account(from).file ? `accounts[${account(i).index}]` : `accounts[${account(i).index}] of ${path.basename(account(i).file)}`);
  const unique = (key: 'name' | 'id' | 'email', what: string) =>
    duplicates(org.accounts.map((a) => a[key].toLowerCase())).forEach(([first, i]) =>
      issues.push({
        file: account(i).file,
        path: `accounts[${account(i).index}].${key}`,
        problem: `duplicate account ${what} "${org.accounts[i][key]}" (also ${named(first, i)})`,
        fix: `each account needs its own ${what}`,
      }),
    );
  unique('name', 'name');
  unique('id', 'id');
  unique('email', 'email');

  org.accounts.forEach((a, i) => {
    if (a.ou !== ROOT_OU && !ouSet.has(a.ou)) {
      issues.push({
        file: account(i).file,
        path: `accounts[${account(i).index}].ou`,
        problem: `OU "${a.ou}" does not exist`,
        fix: suggestion(a.ou, [ROOT_OU, ...org.organizationalUnits], 'OU') + ` Or add it to organizationalUnits`,
      });
    }
  });
  if (!org.accounts.some((a) => a.id === org.management.account)) {
    issues.push({ file, path: 'management.account', problem: `management account ${org.management.account} is not in accounts`, fix: 'list it under accounts (usually with ou: Root)' });
  }
  const idOwners = new Map<string, string>();
  for (const [ou, id] of Object.entries(org.organizationalUnitIds)) {
    const at = `organizationalUnitIds.${ou}`;
    if (ou !== ROOT_OU && !ouSet.has(ou))
      issues.push({ file, path: at, problem: `OU "${ou}" is not listed`, fix: suggestion(ou, [ROOT_OU, ...org.organizationalUnits], 'OU') + ' Or add it to organizationalUnits' });
    if ((ou === ROOT_OU) !== id.startsWith('r-'))
      issues.push({
        file,
        path: at,
        problem: `"${id}" is ${id.startsWith('r-') ? 'a root id' : 'an OU id'}, but ${ou === ROOT_OU ? 'Root is the root' : `"${ou}" is an OU`}`,
        fix: ou === ROOT_OU ? 'give Root its r-… id' : 'give an OU its ou-… id',
      });
    const other = idOwners.get(id);
    if (other) issues.push({ file, path: at, problem: `OU id "${id}" is also given to "${other}"`, fix: 'each OU has its own id; run npm run accounts:sync to fill them in' });
    idOwners.set(id, ou);
  }
  const admin = org.stackSets.delegatedAdministrator;
  if (admin === org.management.account) {
    issues.push({
      file,
      path: 'stackSets.delegatedAdministrator',
      problem: 'the management account is not a delegated administrator',
      fix: 'remove the key to administer StackSets from the management account (CallAs SELF), or name the member account you registered',
    });
  } else if (admin && !org.accounts.some((a) => a.id === admin)) {
    issues.push({ file, path: 'stackSets.delegatedAdministrator', problem: `account ${admin} is not in accounts`, fix: 'list it under accounts, or run npm run accounts:sync' });
  }
  const [, connRegion] = /^arn:[^:]+:[^:]+:([^:]+):/.exec(org.pipeline.connectionArn) ?? [];
  if (connRegion && connRegion !== org.management.homeRegion) {
    issues.push({
      file,
      path: 'pipeline.connectionArn',
      problem: `the connection is in ${connRegion} but the pipeline runs in ${org.management.homeRegion}`,
      fix: 'create the connection in the home Region',
    });
  }
  return issues;
}

function checkDelivery(config: Config): ConfigIssue[] {
  const { organization: org, delivery } = config;
  const file = path.join(config.dir, CONFIG_FILES.delivery);
  const issues: ConfigIssue[] = [];
  const accountNames = org.accounts.map((a) => a.name);
  const ous = [ROOT_OU, ...org.organizationalUnits];

  duplicates(delivery.waves.map((w) => w.name)).forEach(([first, i]) =>
    issues.push({ file, path: `waves[${i}].name`, problem: `duplicate wave name "${delivery.waves[i].name}" (also waves[${first}])`, fix: 'give each wave its own name' }),
  );
  delivery.waves.forEach((wave, w) => {
    const waveRegions = new Set<string>();
    wave.targets.forEach((t, ti) => {
      const at = `waves[${w}].targets[${ti}]`;
      if (!t.accounts?.length && !t.organizationalUnits?.length) {
        issues.push({ file, path: at, problem: 'a target names no accounts and no organizationalUnits', fix: 'add accounts: [name] or organizationalUnits: [Path]' });
      }
      t.accounts?.forEach((ref, ai) => {
        if (!findAccount(org.accounts, ref)) {
          issues.push({ file, path: `${at}.accounts[${ai}]`, problem: `unknown account "${ref}"`, fix: suggestion(ref, accountNames, 'account') });
        }
      });
      t.organizationalUnits?.forEach((ou, oi) => {
        if (!ous.includes(ou)) issues.push({ file, path: `${at}.organizationalUnits[${oi}]`, problem: `OU "${ou}" does not exist`, fix: suggestion(ou, ous, 'OU') });
      });
      t.regions.forEach((r, ri) => {
        waveRegions.add(r);
        if (!org.regions.includes(r))
          issues.push({
            file,
            path: `${at}.regions[${ri}]`,
            problem: `Region "${r}" is not governed`,
            fix: `governed Regions are ${org.regions.join(', ')}; add it to organization.yaml regions first`,
          });
      });
      if (deliveryMode(t) === 'stackset') {
        const missing = [...new Set(stackSetOus(org.accounts, t).filter((ou) => ous.includes(ou) && !org.organizationalUnitIds[ou]))];
        if (missing.length > 0) {
          issues.push({
            file,
            path: t.delivery ? `${at}.delivery` : at,
            problem: `delivered as a StackSet, which targets OUs by id, but ${missing.map((ou) => `"${ou}"`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no id`,
            fix: `run npm run accounts:sync (it writes organizationalUnitIds), or add organizationalUnitIds: { ${missing[0]}: ou-… } to ${CONFIG_FILES.organization}`,
          });
        }
      }
    });
    wave.stackSets.regionOrder?.forEach((r, ri) => {
      if (!waveRegions.has(r))
        issues.push({
          file,
          path: `waves[${w}].stackSets.regionOrder[${ri}]`,
          problem: `Region "${r}" is not in any target of wave "${wave.name}"`,
          fix: `order the wave's Regions only: ${[...waveRegions].join(', ')}`,
        });
    });
    wave.patterns.forEach((p, pi) => {
      if (typeof p === 'string' || !p.regions) return;
      p.regions.forEach((r, ri) => {
        const at = `waves[${w}].patterns[${pi}].regions[${ri}]`;
        if (!org.regions.includes(r)) issues.push({ file, path: at, problem: `Region "${r}" is not governed`, fix: `governed Regions are ${org.regions.join(', ')}` });
        else if (!waveRegions.has(r)) issues.push({ file, path: at, problem: `Region "${r}" is not in any target of wave "${wave.name}"`, fix: "a pattern can only narrow its targets' Regions" });
      });
    });
  });
  return issues;
}

function checkBaseline(config: Config): ConfigIssue[] {
  const { organization: org, baseline } = config;
  const file = path.join(config.dir, CONFIG_FILES.baseline);
  const issues: ConfigIssue[] = [];
  const ous = ['default', ROOT_OU, ...org.organizationalUnits];
  // An OU key is a path or an id (the baseliner matches both); ids are the ones organization.yaml knows.
  const ouIds = Object.values(org.organizationalUnitIds);
  const defaults = baseline.organizationalUnits.default ?? [];
  for (const [ou, products] of Object.entries(baseline.organizationalUnits)) {
    const at = `organizationalUnits.${ou}`;
    if (/^(ou-|r-)/.test(ou) && !ouIds.includes(ou)) {
      issues.push({
        file,
        path: at,
        problem: `OU id "${ou}" is not in organizationalUnitIds`,
        fix:
          ouIds.length > 0
            ? `known ids: ${ouIds.slice(0, 12).join(', ')} (npm run accounts:sync writes them), or use the OU path`
            : 'run npm run accounts:sync to record the OU ids, or use the OU path',
      });
    } else if (!ous.includes(ou) && !ouIds.includes(ou)) issues.push({ file, path: at, problem: `OU "${ou}" does not exist`, fix: suggestion(ou, ous, 'OU') });
    const visible = ou === 'default' ? products : [...defaults, ...products];
    issues.push(...checkProducts(file, at, products, visible, org.regions));
  }
  if (baseline.bootstrapProduct && !Object.values(baseline.organizationalUnits).some((ps) => ps.some((p) => p.provisionName === baseline.bootstrapProduct))) {
    issues.push({ file, path: 'bootstrapProduct', problem: `no product is provisioned as "${baseline.bootstrapProduct}"`, fix: 'name a provisionName listed under organizationalUnits' });
  }
  return issues;
}

function checkUpdates(config: Config): ConfigIssue[] {
  const { organization: org } = config;
  const ous = [ROOT_OU, ...org.organizationalUnits];
  return config.updates.flatMap(({ file, content }) => {
    const issues = checkProducts(file, 'products', content.products, content.products, org.regions);
    content.products.forEach((p, i) => {
      if (p.accounts.length === 0 && p.organizationalUnits.length === 0) {
        issues.push({ file, path: `products[${i}]`, problem: 'names no accounts and no organizationalUnits', fix: 'add accounts: ["123456789012"] or organizationalUnits: [Path]' });
      }
      p.organizationalUnits.forEach((ou, oi) => {
        if (!ous.includes(ou)) issues.push({ file, path: `products[${i}].organizationalUnits[${oi}]`, problem: `OU "${ou}" does not exist`, fix: suggestion(ou, ous, 'OU') });
      });
    });
    return issues;
  });
}

/** Unique provision names, known dependencies, no cycles, governed Regions. */
function checkProducts(file: string, at: string, products: readonly ProductFields[], visible: readonly ProductFields[], regions: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = visible.map((p) => p.provisionName);
  duplicates(products.map((p) => p.provisionName)).forEach(([, i]) =>
    issues.push({ file, path: `${at}[${i}].provisionName`, problem: `"${products[i].provisionName}" is provisioned twice`, fix: 'give each product its own provisionName' }),
  );
  products.forEach((p, i) => {
    p.dependsOn.forEach((d, di) => {
      if (!names.includes(d)) issues.push({ file, path: `${at}[${i}].dependsOn[${di}]`, problem: `depends on "${d}", which is not provisioned here`, fix: suggestion(d, names, 'provisionName') });
    });
    p.regions.forEach((r, ri) => {
      if (!regions.includes(r)) issues.push({ file, path: `${at}[${i}].regions[${ri}]`, problem: `Region "${r}" is not governed`, fix: `governed Regions are ${regions.join(', ')}` });
    });
  });
  const cycle = findCycle(visible);
  if (cycle) issues.push({ file, path: at, problem: `dependency cycle: ${cycle.join(' → ')}`, fix: 'remove one dependsOn entry of the cycle' });
  return issues;
}

function findCycle(products: readonly ProductFields[]): string[] | undefined {
  const deps = new Map(products.map((p) => [p.provisionName, p.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const found = deps.has(d) ? visit(d) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of deps.keys()) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

/** [index of first occurrence, index of repeat] for each repeated value. */
function duplicates(values: readonly string[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const out: Array<[number, number]> = [];
  values.forEach((v, i) => {
    const f = first.get(v);
    if (f === undefined) first.set(v, i);
    else out.push([f, i]);
  });
  return out;
}

// ---------------------------------------------------------------- queries used by the planner

/** How a target is delivered: as it says, else StackSets for OU targets and CDK Stages for account lists. */
export function deliveryMode(target: Target): DeliveryMode {
  return target.delivery ?? (target.organizationalUnits?.length ? 'stackset' : 'stages');
}

/**
 * The OUs a StackSet target names by id: its OUs, and for accounts named alone the OU each of them is
 * in (StackSets reach single accounts through an OU and an account filter).
 */
export function stackSetOus(accounts: readonly Account[], target: Target): string[] {
  if (target.organizationalUnits?.length) return [...target.organizationalUnits];
  return (target.accounts ?? []).map((ref) => findAccount(accounts, ref)?.ou).filter((ou): ou is string => ou !== undefined);
}

/** An account by name or by id. */
export function findAccount(accounts: readonly Account[], ref: string): Account | undefined {
  return accounts.find((a) => a.name === ref || a.id === ref);
}

/** Whether an account in `accountOu` is in `ou` or an OU nested below it; every account is in `Root`. */
export function isInOu(accountOu: string, ou: string): boolean {
  return ou === ROOT_OU || accountOu === ou || accountOu.startsWith(`${ou}/`);
}

/** Accounts in an OU or any OU nested below it; `Root` means every account. */
export function accountsInOu(accounts: readonly Account[], ou: string): Account[] {
  return accounts.filter((a) => isInOu(a.ou, ou));
}
