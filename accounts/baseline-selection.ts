/**
 * What baseline.yaml gives an account, with no AWS in it: which products, with which parameters,
 * in which order; what an update file asks for each account; and what changes when the selection
 * meets what the account has. The baseliner's trigger and `baseline:plan` share it.
 */
import type { Baseline, BaselineProduct, ProductFields } from './schema';

/** What the state machine provisions for one product in one account. */
export interface PlannedProduct {
  readonly provisionName: string;
  /** `<accountId>-<provisionName>`: unique across the management account's provisioned products. */
  readonly provisionedProductName: string;
  readonly product: string;
  readonly version?: string;
  readonly portfolio: string;
  readonly regions: readonly string[];
  readonly dependsOn: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly action: ProductAction;
  /** Terminate it when the account leaves the OU that gave it (baseline.yaml terminateOnLeave). */
  readonly terminateOnLeave?: boolean;
}

/** deploy: ProvisionProduct; update: UpdateProvisionedProduct; terminate: TerminateProvisionedProduct. */
export type ProductAction = 'deploy' | 'update' | 'terminate';

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

export function provisionedProductName(accountId: string, provisionName: string): string {
  return `${accountId}-${provisionName}`;
}

/**
 * `default` plus every key naming the account's OU or an OU above it, by path (`Workloads/Prod`) or
 * by id (`ou-ab12-34cd5678`). A product listed under several keys is taken once, the most specific
 * key winning (the account's own OU over its parents over default).
 */
export function productsForAccount(baseline: Baseline, ouPath: string, ouIds: readonly string[] = []): BaselineProduct[] {
  // OU paths and ids from the root down; ouIds[i] is the id of ancestors[i].
  const ancestors = ouAncestors(ouPath);
  const specificity = (key: string): number => {
    if (key === 'default') return 0;
    const byPath = ancestors.indexOf(key);
    if (byPath >= 0) return byPath + 1;
    const byId = ouIds.indexOf(key);
    return byId >= 0 ? byId + 1 : -1;
  };
  const keys = Object.keys(baseline.organizationalUnits)
    .filter((k) => specificity(k) >= 0)
    .sort((a, b) => specificity(a) - specificity(b));
  const chosen = new Map<string, BaselineProduct>();
  for (const key of keys) for (const p of baseline.organizationalUnits[key]) chosen.set(p.provisionName, p);
  return [...chosen.values()];
}

/** An OU path and every OU above it, from the root down: Workloads/Prod → [Workloads, Workloads/Prod]. */
export function ouAncestors(ouPath: string): string[] {
  return ouPath === 'Root' ? [] : ouPath.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
}

/** Replaces every `{accountid}` and `{masteraccountid}` in every value (case-insensitive, all occurrences). */
export function substitute(parameters: Readonly<Record<string, string | number | boolean>>, ids: { accountId: string; managementAccountId: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    out[key] = String(value)
      .replace(/\{accountid\}/gi, ids.accountId)
      .replace(/\{masteraccountid\}/gi, ids.managementAccountId);
  }
  return out;
}

/**
 * Products in dependency levels: level 0 depends on nothing, level n only on earlier levels.
 * Products of one level run in parallel. Unknown dependencies and cycles are errors.
 */
export function dependencyLevels<P extends { readonly provisionName: string; readonly dependsOn: readonly string[] }>(products: readonly P[]): P[][] {
  const byName = new Map(products.map((p) => [p.provisionName, p]));
  for (const p of products) {
    for (const d of p.dependsOn) {
      if (!byName.has(d)) throw new SelectionError(`"${p.provisionName}" depends on "${d}", which this account does not get`);
    }
  }
  const levels: P[][] = [];
  const placed = new Set<string>();
  while (placed.size < products.length) {
    const level = products.filter((p) => !placed.has(p.provisionName) && p.dependsOn.every((d) => placed.has(d)));
    if (level.length === 0) {
      const stuck = products.filter((p) => !placed.has(p.provisionName)).map((p) => p.provisionName);
      throw new SelectionError(`dependency cycle among ${stuck.join(', ')}`);
    }
    level.forEach((p) => placed.add(p.provisionName));
    levels.push(level);
  }
  return levels;
}

/** The baseline of one new account, ready for the state machine. */
export function planAccount(baseline: Baseline, account: { accountId: string; ouPath: string; ouIds?: readonly string[] }, managementAccountId: string): PlannedProduct[][] {
  const products = productsForAccount(baseline, account.ouPath, account.ouIds).map((p) => plannedProduct(p, account.accountId, managementAccountId, 'deploy'));
  return dependencyLevels(products);
}

/** A product of baseline.yaml or an update file, for one account: its name there, its parameters resolved. */
export function plannedProduct(p: ProductFields & { terminateOnLeave?: boolean }, accountId: string, managementAccountId: string, action: ProductAction): PlannedProduct {
  return {
    provisionName: p.provisionName,
    provisionedProductName: provisionedProductName(accountId, p.provisionName),
    product: p.product,
    version: p.version,
    portfolio: p.portfolio,
    regions: p.regions,
    dependsOn: p.dependsOn,
    parameters: substitute(p.parameters, { accountId, managementAccountId }),
    action,
    ...(p.terminateOnLeave !== undefined ? { terminateOnLeave: p.terminateOnLeave } : {}),
  };
}

export type UpdateDecision = 'update' | 'deploy' | 'skip';

/** An update file's product for one account: update where provisioned; elsewhere deploy only if asked. */
export function decideUpdate(provisioned: boolean, deployIfNotExist: boolean): UpdateDecision {
  if (provisioned) return 'update';
  return deployIfNotExist ? 'deploy' : 'skip';
}

/** What the tracking table knows of one product in one account. */
export interface TrackedProduct {
  readonly provisionName: string;
  readonly product: string;
  readonly portfolio?: string;
  readonly status: string;
  readonly action?: ProductAction;
  readonly fingerprint?: string;
  readonly terminateOnLeave?: boolean;
}

export interface ChangePlan<P> {
  /** To provision (deploy: not there yet) or update (there, but different), in the selection's order. */
  readonly provision: P[];
  /** Selected, done and unchanged: left alone. */
  readonly unchanged: string[];
  /** Provisioned earlier by a baseline the account no longer selects (it left that OU). */
  readonly left: ReadonlyArray<TrackedProduct & { readonly terminate: boolean }>;
}

/**
 * Compares the selection with what the account has. `exists` says whether Service Catalog has
 * `<account>-<provisionName>`: a product done with the same fingerprint is unchanged only while it
 * is still there. With scope `missing` (the reconcile), only products Service Catalog lacks change.
 */
export function planChanges<P extends PlannedProduct & { fingerprint: string }>(
  selected: readonly P[],
  tracked: readonly TrackedProduct[],
  exists: (provisionName: string) => boolean,
  scope: 'differences' | 'missing' = 'differences',
): ChangePlan<P> {
  const byName = new Map(tracked.map((t) => [t.provisionName, t]));
  const provision: P[] = [];
  const unchanged: string[] = [];
  for (const p of selected) {
    const t = byName.get(p.provisionName);
    const there = exists(p.provisionName);
    const same = t?.status === 'done' && t.fingerprint === p.fingerprint && t.action !== 'terminate';
    // The reconcile repairs what is missing only; changing what is there is for events and update files.
    if (there && (same || scope === 'missing')) unchanged.push(p.provisionName);
    else provision.push({ ...p, action: there ? 'update' : 'deploy' });
  }
  const names = new Set(selected.map((p) => p.provisionName));
  const left =
    scope === 'missing' ? [] : tracked.filter((t) => !names.has(t.provisionName) && t.status === 'done' && t.action !== 'terminate').map((t) => ({ ...t, terminate: t.terminateOnLeave === true }));
  return { provision, unchanged, left };
}

/** An OU path is governed when organization.yaml lists it or an OU above it; Root is not. */
export function isGoverned(ouPath: string, governed: readonly string[]): boolean {
  return ouAncestors(ouPath).some((ou) => governed.includes(ou));
}
