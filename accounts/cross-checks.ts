/**
 * The cross-checks of a parsed config, as Landing Zone Accelerator's validators: what no single
 * file's schema can see (an account or OU one file names and another must list, duplicate names,
 * OU ids, dependency cycles). Each issue names its file, its path and the fix.
 */
import * as path from 'node:path';
import { CONFIG_FILES, type Config } from './config';
import { type ConfigIssue, suggestion } from './issues';
import { deliveryMode, findAccount, stackSetOus } from './queries';
import { ROOT_OU, type ProductFields } from './schema';

/** Every cross-check; baseline.yaml's only when it parsed (a broken one is reported by the loader already). */
export function crossChecks(config: Config, options: { baselineParsed: boolean }): ConfigIssue[] {
  return [...checkOrganization(config), ...checkDelivery(config), ...(options.baselineParsed ? checkBaseline(config) : []), ...checkUpdates(config)];
}

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
  if (delivery.waves[0]?.bake)
    issues.push({
      file,
      path: 'waves[0].bake',
      problem: `wave "${delivery.waves[0].name}" is the first: there is no wave before it to bake`,
      fix: 'move bake to the wave that should wait for this one',
    });
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
