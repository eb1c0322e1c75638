/**
 * `accounts:sync`: reads the live organization (roots, nested OUs, accounts) through AWS
 * Organizations and writes `organization.generated.yaml`, which the loader merges in (hand-written
 * entries win). The only command that calls AWS; synth never does.
 */
import { OrganizationsClient, paginateListAccountsForParent, paginateListOrganizationalUnitsForParent, paginateListRoots, type Account as OrgAccount } from '@aws-sdk/client-organizations';
import * as yaml from 'js-yaml';
import { GeneratedOrganization, NAME_PATTERN, ROOT_OU, type Account } from './schema';

export interface OrgTreeAccount {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly status: string;
  /** OU path from the root, or Root. */
  readonly ou: string;
}

export interface OrgTree {
  readonly organizationalUnits: string[];
  /** OU path → OU id (`Root` → the root id). */
  readonly ouIds: Record<string, string>;
  readonly accounts: OrgTreeAccount[];
}

/** The path of the OU (or root) with this id, if the organization has it. */
export function ouPathById(tree: OrgTree, id: string): string | undefined {
  return Object.entries(tree.ouIds).find(([, ouId]) => ouId === id)?.[0];
}

export interface RetryOptions {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 200, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
const RETRYABLE = new Set(['TooManyRequestsException', 'ThrottlingException', 'ServiceException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);

/** Retries throttling and transient service errors with capped exponential backoff and jitter. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (!RETRYABLE.has(name) || attempt >= options.attempts) throw err;
      const cap = Math.min(20_000, options.baseDelayMs * 2 ** (attempt - 1));
      await options.sleep(cap / 2 + Math.random() * (cap / 2));
    }
  }
}

/** The same client, every call through withRetry (paginators included: they call send). */
export function retrying<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C, retry: RetryOptions = DEFAULT_RETRY): C {
  const send = (command: never) => client.send(command);
  const wrapped = Object.create(client) as C;
  wrapped.send = (command: never) => withRetry(() => send(command), retry);
  return wrapped;
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Walks the whole organization, depth first, OUs as paths from the root. */
export async function readOrganization(client: OrganizationsClient, retry: RetryOptions = DEFAULT_RETRY): Promise<OrgTree> {
  // Every call of the paginators below goes through the retry policy.
  const patient = retrying(client, retry);

  const roots = (await collect(paginateListRoots({ client: patient }, {}))).flatMap((p) => p.Roots ?? []);
  if (roots.length === 0 || !roots[0].Id) throw new Error('the organization has no root: is this the management account?');
  const organizationalUnits: string[] = [];
  const ouIds: Record<string, string> = { [ROOT_OU]: roots[0].Id };
  const accounts: OrgTreeAccount[] = [];

  const visit = async (parentId: string, ouPath: string, depth: number): Promise<void> => {
    // Organizations allows five levels of OUs below the root.
    if (depth > 5) throw new Error(`OU nesting deeper than AWS allows under ${ouPath}`);
    const found = (await collect(paginateListAccountsForParent({ client: patient }, { ParentId: parentId }))).flatMap((p) => p.Accounts ?? []);
    accounts.push(...found.map((a) => toTreeAccount(a, ouPath)));
    const children = (await collect(paginateListOrganizationalUnitsForParent({ client: patient }, { ParentId: parentId }))).flatMap((p) => p.OrganizationalUnits ?? []);
    for (const child of children) {
      if (!child.Id || !child.Name) continue;
      const childPath = ouPath === ROOT_OU ? child.Name : `${ouPath}/${child.Name}`;
      organizationalUnits.push(childPath);
      ouIds[childPath] = child.Id;
      await visit(child.Id, childPath, depth + 1);
    }
  };
  await visit(roots[0].Id, ROOT_OU, 0);
  return { organizationalUnits, ouIds, accounts };
}

function toTreeAccount(a: OrgAccount, ou: string): OrgTreeAccount {
  return { id: a.Id ?? '', name: a.Name ?? '', email: a.Email ?? '', status: String(a.State ?? a.Status ?? 'ACTIVE'), ou };
}

/**
 * A config name from an account name: "Dev Account" → "dev-account"; unique, with the id's end on a
 * clash. `taken` holds names organization.yaml gives other accounts (name → id): a synced account
 * never takes one of them, since the hand-written entry would win and the synced one would vanish.
 */
export function accountNames(accounts: ReadonlyArray<{ id: string; name: string }>, taken: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const a of accounts) {
    let name = slug(a.name);
    const takenBy = taken.get(name);
    if (used.has(name) || !NAME_PATTERN.test(name) || (takenBy !== undefined && takenBy !== a.id)) name = `${name.replace(/-+$/, '')}-${a.id.slice(-6)}`;
    used.add(name);
    out.set(a.id, name);
  }
  return out;
}

/** An account's name as a config name: lower-case letters, digits and dashes. */
function slug(accountName: string): string {
  return (
    accountName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 33) || 'account'
  );
}

/** A synced account that got another name than its own, because organization.yaml uses that one for another account. */
export interface RenamedAccount {
  readonly id: string;
  readonly wanted: string;
  readonly name: string;
}

/** The generated file's content: active accounts only, validated by the same schema the loader uses. */
export function generatedOrganization(tree: OrgTree, now: Date, handWritten: ReadonlyArray<{ id: string; name: string }> = []): GeneratedOrganization & { renamed: RenamedAccount[] } {
  const active = tree.accounts.filter((a) => a.status === 'ACTIVE');
  const taken = new Map(handWritten.map((a) => [a.name, a.id]));
  const names = accountNames(active, taken);
  const renamed = active
    .filter((a) => names.get(a.id) !== slug(a.name) && taken.has(slug(a.name)) && taken.get(slug(a.name)) !== a.id)
    .map((a) => ({ id: a.id, wanted: slug(a.name), name: names.get(a.id)! }));
  const accounts: Account[] = active.map((a) => ({ name: names.get(a.id)!, id: a.id, email: a.email, ou: a.ou }));
  const generated = GeneratedOrganization.parse({
    generatedBy: 'accounts:sync',
    generatedAt: now.toISOString(),
    organizationalUnits: tree.organizationalUnits,
    organizationalUnitIds: tree.ouIds,
    accounts,
  });
  return { ...generated, renamed };
}

export function renderGenerated(gen: GeneratedOrganization & { renamed?: unknown }): string {
  const { renamed: _notInTheFile, ...content } = gen;
  const header = [
    '# yaml-language-server: $schema=./schemas/organization.generated.schema.json',
    '# Written by `npm run accounts:sync`. Do not edit: entries in organization.yaml with the same id or name win.',
  ].join('\n');
  return `${header}\n${yaml.dump(content, { lineWidth: 200, noRefs: true })}`;
}
