/**
 * The baseliner's entry. Every way an account arrives (Control Tower Create/UpdateManagedAccount,
 * an Organizations MoveAccount, a Control Tower baseline event on the account or its OU, the
 * periodic reconcile) goes down one path: the account's OU from Organizations → the products
 * baseline.yaml selects → their Service Catalog versions → one selection key. A selection already
 * running or done starts nothing; a new one, or a retry after a recorded failure, starts one
 * execution that provisions only what differs. Update files roll products out to existing accounts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { isInOu } from '../../../accounts/queries';
import { DEFAULT_RETRY, readOrganization, retrying, type OrgTree, type OrgTreeAccount, type RetryOptions } from '../../../accounts/sync';
import { Baseline, UpdateFile } from '../../../accounts/schema';
import {
  CatalogLookupError,
  ensurePortfolioAccess,
  isProvisioned,
  LaunchConstraintConflict,
  memoizedResolver,
  provisionedProductNames,
  token,
  upsertStackSetConstraint,
  type ResolvedIds,
} from '../shared/catalog';
import { currentTime, sleep } from '../shared/clock';
import { parseTrigger, type AccountTrigger, type OuTrigger, type ReconcileTrigger, type TriggerSource, type UpdateFileUploaded } from '../shared/events';
import { MalformedEventError } from '../../shared/malformed-event';
import { notify } from '../shared/notify';
import {
  decideUpdate,
  dependencyLevels,
  isGoverned,
  ouAncestors,
  planAccount,
  planChanges,
  provisionedProductName,
  SelectionError,
  substitute,
  type PlannedProduct,
} from '../../../accounts/baseline-selection';
import { baselineExecutionName, decideStart, executionName, productFingerprint, selectionKey } from '../shared/selection';
import { Tracking, type SelectionItem } from '../shared/tracking';

const logger = new Logger({ serviceName: 'baseliner-trigger' });

export const BASELINE_KEY = 'baseline.yaml';
/** The OUs organization.yaml governs, written beside baseline.yaml by the stage. */
export const GOVERNED_KEY = 'governed.json';
export const UPDATES_PREFIX = 'updates/';
/** Update files carry no time budget of their own; each account's rollout gets this one. */
export const UPDATE_MAX_WAIT_MINUTES = 60;
/** The reconcile stops starting executions this long before the function would time out. */
export const RECONCILE_RESERVE_MS = 45_000;

/** A problem no retry will fix (bad event, bad config, unknown product): reported, nothing started. */
class Rejected extends Error {}

export type Outcome = 'started' | 'duplicate' | 'ignored' | 'deferred' | 'rejected';

export interface AccountOutcome {
  readonly accountId: string;
  readonly outcome: Outcome;
  readonly why: string;
  readonly execution?: string;
  /** The reconcile stopped retrying this account's failing selection. */
  readonly gaveUp?: boolean;
}

export interface TriggerResult {
  readonly status: 'started' | 'duplicate' | 'rejected' | 'nothing-to-do' | 'ignored';
  readonly executions: string[];
  readonly reason?: string;
  /** One line per account looked at (OU events and the reconcile look at many). */
  readonly outcomes?: AccountOutcome[];
}

const Governed = z.strictObject({ organizationalUnits: z.array(z.string().min(1)) });

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

/** Throttling and service errors are retried with back-off on every call (the reconcile makes many). */
const patience = (): RetryOptions => ({ ...DEFAULT_RETRY, sleep });
const clients = () => ({
  s3: new S3Client({}),
  sc: retrying(new ServiceCatalogClient({}), patience()),
  sfn: retrying(new SFNClient({}), patience()),
  sns: new SNSClient({}),
  // Organizations is served from us-east-1 whatever the home Region.
  orgs: new OrganizationsClient({ region: 'us-east-1' }),
  tracking: new Tracking(retrying(DynamoDBDocumentClient.from(new DynamoDBClient({})), patience()), env('TABLE_NAME')),
});
type Clients = ReturnType<typeof clients>;

export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<TriggerResult> {
  const aws = clients();
  try {
    const trigger = parseTrigger(event);
    switch (trigger.kind) {
      case 'ignored':
        logger.info('ignored', { reason: trigger.reason });
        return { status: 'ignored', executions: [], reason: trigger.reason };
      case 'update':
        return await onUpdateFiles(aws, trigger);
      case 'account':
        return await onAccount(aws, trigger);
      case 'ou':
      case 'reconcile':
        return await onMany(aws, trigger, deadline(context));
    }
  } catch (err) {
    if (err instanceof MalformedEventError || err instanceof Rejected || err instanceof SelectionError) {
      logger.error('rejected', { reason: err.message });
      await notify(aws.sns, env('TOPIC_ARN'), 'Baseliner rejected an event', { reason: err.message, event });
      return { status: 'rejected', executions: [], reason: err.message };
    }
    // Transient (throttling, service errors): Lambda retries, then the on-failure destination reports it.
    throw err;
  }
}

/** Lambda's own time limit is wall-clock time, whatever clock the handlers' waits use. */
function deadline(context?: { getRemainingTimeInMillis?: () => number }): number {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 5 * 60_000;
  return Date.now() + remaining - RECONCILE_RESERVE_MS;
}

async function readYaml<S extends z.ZodType>(s3: S3Client, bucket: string, key: string, schema: S, versionId?: string): Promise<{ content: z.output<S>; version: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const text = (await out.Body?.transformToString()) ?? '';
  let data: unknown;
  try {
    data = yaml.load(text);
  } catch (err) {
    throw new Rejected(`s3://${bucket}/${key} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) throw new Rejected(`s3://${bucket}/${key}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // The content decides the version: the pipeline re-uploads unchanged files, which must not count as new.
  return { content: parsed.data, version: token(text) };
}

// ---------------------------------------------------------------- one path for every account trigger

/** What every account of one invocation shares: config, organization, catalog lookups. */
interface Context {
  readonly aws: Clients;
  readonly baseline: Baseline;
  readonly governed: readonly string[];
  readonly tree: OrgTree;
  readonly resolve: (p: Pick<PlannedProduct, 'product' | 'portfolio' | 'version'>) => Promise<ResolvedIds>;
  /** Whether Service Catalog has `<account>-<provisionName>`. */
  readonly exists: (provisionedProductName: string) => Promise<boolean>;
}

async function context(aws: Clients, exists?: Context['exists']): Promise<Context> {
  const bucket = env('CONFIG_BUCKET');
  const { content: baseline } = await readYaml(aws.s3, bucket, BASELINE_KEY, Baseline);
  // JSON is YAML, so the same reader serves.
  const { content: governed } = await readYaml(aws.s3, bucket, GOVERNED_KEY, Governed);
  const tree = await readOrganization(aws.orgs, patience());
  return { aws, baseline, governed: governed.organizationalUnits, tree, resolve: memoizedResolver(aws.sc), exists: exists ?? ((name) => isProvisioned(aws.sc, name)) };
}

async function onAccount(aws: Clients, t: AccountTrigger): Promise<TriggerResult> {
  const ctx = await context(aws);
  const account = ctx.tree.accounts.find((a) => a.id === t.accountId);
  const eventOu = Object.entries(ctx.tree.ouIds).find(([, id]) => id === t.ouId)?.[0];
  if (!account && !eventOu) throw new Rejected(`account ${t.accountId} is not in the organization${t.ouId ? ` and OU ${t.ouId} is unknown` : ''}`);
  const outcome = await baselineAccount(ctx, { id: t.accountId, ou: account?.ou ?? eventOu!, status: account?.status ?? 'ACTIVE' }, t.source, t.enrolled);
  return single(outcome);
}

function single(o: AccountOutcome): TriggerResult {
  const status = o.outcome === 'started' ? 'started' : o.outcome === 'duplicate' ? 'duplicate' : o.outcome === 'rejected' ? 'rejected' : 'ignored';
  return { status, executions: o.execution ? [o.execution] : [], reason: o.why, outcomes: [o] };
}

/** An OU's baseline event, or the reconcile: every governed account in scope, bounded by count and time. */
async function onMany(aws: Clients, t: OuTrigger | ReconcileTrigger, deadlineMs: number): Promise<TriggerResult> {
  // One paginated search answers "is it provisioned" for every account at once.
  const names = t.kind === 'reconcile' ? await provisionedProductNames(aws.sc) : undefined;
  const ctx = await context(aws, names ? async (name) => names.has(name) : undefined);
  let scope: OrgTreeAccount[];
  if (t.kind === 'ou') {
    const ouPath = Object.entries(ctx.tree.ouIds).find(([, id]) => id === t.ouId)?.[0];
    if (!ouPath) throw new Rejected(`${t.source}: OU ${t.ouId} is not in the organization`);
    scope = ctx.tree.accounts.filter((a) => isInOu(a.ou, ouPath));
  } else {
    scope = ctx.tree.accounts.filter((a) => isGoverned(a.ou, ctx.governed));
  }
  scope = [...scope].sort((a, b) => a.id.localeCompare(b.id));
  const maxStarts = Number(process.env.RECONCILE_MAX_STARTS ?? 25);
  const records = await aws.tracking.selections(
    scope.map((a) => a.id),
    sleep,
  );
  const outcomes: AccountOutcome[] = [];
  let started = 0;
  for (const account of scope) {
    if (started >= maxStarts || Date.now() >= deadlineMs) {
      outcomes.push({ accountId: account.id, outcome: 'deferred', why: started >= maxStarts ? `this run started ${maxStarts} executions already` : 'this run is out of time' });
      continue;
    }
    const source: TriggerSource = t.kind === 'ou' ? t.source : 'reconcile';
    const o = await baselineAccount(ctx, account, source, false, { record: records.get(account.id), known: true });
    if (o.outcome === 'started') started++;
    outcomes.push(o);
  }
  const executions = outcomes.flatMap((o) => (o.execution ? [o.execution] : []));
  const deferred = outcomes.filter((o) => o.outcome === 'deferred').length;
  logger.info(t.kind === 'ou' ? 'OU baselined' : 'reconciled', { accounts: scope.length, started, deferred });
  if (started > 0 || deferred > 0 || outcomes.some((o) => o.gaveUp || o.outcome === 'rejected')) {
    await notify(aws.sns, env('TOPIC_ARN'), t.kind === 'ou' ? `Baseliner: ${t.source} on ${t.ouId}` : 'Baseliner reconcile', {
      accounts: scope.length,
      started: outcomes.filter((o) => o.outcome === 'started').map((o) => ({ account: o.accountId, why: o.why, execution: o.execution })),
      deferredToNextRun: deferred,
      rejected: outcomes.filter((o) => o.outcome === 'rejected').map((o) => ({ account: o.accountId, why: o.why })),
      gaveUp: outcomes.filter((o) => o.gaveUp).map((o) => ({ account: o.accountId, why: o.why })),
    });
  }
  return { status: executions.length > 0 ? 'started' : 'nothing-to-do', executions, outcomes };
}

/**
 * One account: what baseline.yaml selects for its OU now, as Service Catalog resolves it, against
 * what the account last got. Starts one execution, or says why not.
 */
async function baselineAccount(
  ctx: Context,
  account: { id: string; ou: string; status: string },
  source: TriggerSource,
  enrolled: boolean,
  known?: { record: SelectionItem | undefined; known: true },
): Promise<AccountOutcome> {
  const { aws } = ctx;
  const management = env('MANAGEMENT_ACCOUNT_ID');
  const say = (outcome: Outcome, why: string, execution?: string, gaveUp?: boolean): AccountOutcome => {
    logger.info('account', { account: account.id, source, outcome, why, execution });
    return { accountId: account.id, outcome, why, execution, ...(gaveUp ? { gaveUp } : {}) };
  };
  if (account.id === management) return say('ignored', 'the management account is never baselined');
  if (account.status !== 'ACTIVE') return say('ignored', `the account is ${account.status}`);
  if (!isGoverned(account.ou, ctx.governed)) return say('ignored', `OU ${account.ou} is not governed (not in organization.yaml organizationalUnits, nor below one)`);

  const ouIds = ouAncestors(account.ou).map((p) => ctx.tree.ouIds[p]);
  let selected: PlannedProduct[];
  try {
    selected = planAccount(ctx.baseline, { accountId: account.id, ouPath: account.ou, ouIds }, management).flat();
  } catch (err) {
    if (err instanceof SelectionError) return say('rejected', `baseline.yaml for ${account.ou}: ${err.message}`);
    throw err;
  }
  const resolved: Array<PlannedProduct & ResolvedIds & { fingerprint: string }> = [];
  const unresolved: Array<{ product: PlannedProduct; reason: string }> = [];
  for (const p of selected) {
    try {
      const ids = await ctx.resolve(p);
      resolved.push({ ...p, ...ids, fingerprint: productFingerprint({ ...p, artifactId: ids.artifactId }) });
    } catch (err) {
      if (!(err instanceof CatalogLookupError)) throw err;
      unresolved.push({ product: p, reason: err.message });
    }
  }
  // An unresolvable product is part of the key: once it resolves, the selection is new.
  const key = selectionKey(account.id, [...resolved, ...unresolved.map((u) => ({ provisionName: u.product.provisionName, fingerprint: `unresolved:${u.reason}` }))]);
  const record = known ? known.record : await aws.tracking.selection(account.id);
  const executionStatus = record?.status === 'running' && record.executionName ? await describeExecution(aws, record.executionName) : undefined;
  const present = new Map<string, boolean>();
  for (const p of resolved) present.set(p.provisionName, await ctx.exists(p.provisionedProductName));
  const missing = resolved.filter((p) => !present.get(p.provisionName)).map((p) => p.provisionName);
  const reconcile = source === 'reconcile';
  if (reconcile && missing.length === 0) {
    return say(
      'duplicate',
      record && record.selectionKey !== key ? 'every product is there; baseline.yaml changed since its baseline (an update file rolls changes out to existing accounts)' : 'every product is there',
    );
  }
  const drifted = record?.status === 'done' && record.selectionKey === key && missing.length > 0;
  const decision = decideStart(record, key, { executionStatus, drifted, maxAttempts: reconcile ? Number(process.env.RECONCILE_MAX_ATTEMPTS ?? 3) : undefined });
  if (!decision.start) return say('duplicate', decision.why, undefined, decision.gaveUp);

  const name = baselineExecutionName(account.id, key, decision.attempt);
  const tracked = await aws.tracking.forAccount(account.id);
  const changes = planChanges(resolved, tracked, (n) => present.get(n) ?? false, reconcile ? 'missing' : 'differences');
  const now = new Date(currentTime()).toISOString();
  await aws.tracking.putSelection({
    accountId: account.id,
    selectionKey: key,
    attempt: decision.attempt,
    status: 'running',
    executionName: name,
    ouPath: account.ou,
    source,
    products: selected.map((p) => p.provisionName),
    updatedAt: now,
  });

  for (const u of unresolved) await reportUnprepared(aws, account.id, name, u.product, 'failed', u.reason);
  // Unresolved products order too: their dependents are skipped, not provisioned without them.
  const levels = orderedLevels([...changes.provision, ...unresolved.map((u) => u.product)], await prepareCatalog(aws, account.id, name, changes.provision));
  const terminations: Array<PlannedProduct & ResolvedIds & { fingerprint: string }> = [];
  for (const l of changes.left.filter((x) => x.terminate)) {
    const p: PlannedProduct = {
      provisionName: l.provisionName,
      provisionedProductName: provisionedProductName(account.id, l.provisionName),
      product: l.product,
      portfolio: l.portfolio ?? '',
      regions: [],
      dependsOn: [],
      parameters: {},
      action: 'terminate',
    };
    try {
      terminations.push({ ...p, ...(await ctx.resolve(p)), fingerprint: '' });
    } catch (err) {
      if (!(err instanceof CatalogLookupError)) throw err;
      await reportUnprepared(aws, account.id, name, p, 'failed', `cannot terminate: ${err.message}`);
    }
  }
  if (terminations.length > 0) levels.push(terminations);
  const kept = changes.left.filter((x) => !x.terminate).map((x) => x.provisionName);

  const started = await startExecution(aws, name, {
    accountId: account.id,
    levels,
    maxWaitMinutes: ctx.baseline.maxWaitMinutes,
    maxPolls: Number(process.env.MAX_POLLS ?? 60),
    bootstrapProduct: ctx.baseline.bootstrapProduct ?? '',
    // New to its OU (first baseline, or moved): the pipeline then delivers that OU's patterns.
    handOff: !record || record.ouPath !== account.ou,
    kept,
    unchanged: changes.unchanged,
    enrollment: {
      check: !enrolled && process.env.ENROLLMENT_GATE !== 'off',
      accountId: account.id,
      organizationId: process.env.ORGANIZATION_ID ?? '',
      managementAccountId: management,
      checks: 0,
      maxChecks: Number(process.env.ENROLLMENT_MAX_CHECKS ?? 20),
    },
  });
  if (!started) return say('duplicate', `${name} exists already`);
  const why = `${reconcile ? `missing ${missing.join(', ')}; ` : ''}${decision.why} (${source}): ${levels.flat().length} to change, ${changes.unchanged.length} unchanged${kept.length ? `, kept after leaving their OU: ${kept.join(', ')}` : ''}`;
  return say('started', why, name);
}

async function describeExecution(aws: Clients, name: string): Promise<string> {
  const executionArn = `${env('STATE_MACHINE_ARN').replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    return (await aws.sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
  } catch (err) {
    // Recorded as running but never started (StartExecution failed after the record was written).
    if (err instanceof ExecutionDoesNotExist) return 'MISSING';
    throw err;
  }
}

async function reportUnprepared(aws: Clients, accountId: string, execution: string, p: PlannedProduct, status: 'failed' | 'skipped', reason: string): Promise<void> {
  const now = new Date(currentTime()).toISOString();
  await aws.tracking.put({
    accountId,
    provisionName: p.provisionName,
    product: p.product,
    version: p.version,
    portfolio: p.portfolio,
    regions: p.regions,
    action: p.action,
    status,
    executionName: execution,
    reason,
    startedAt: now,
    updatedAt: now,
  });
  await notify(aws.sns, env('TOPIC_ARN'), `Baseline: ${p.provisionName} ${status} in ${accountId}`, { account: accountId, product: p.product, reason, execution });
}

/**
 * Portfolio access and the STACKSET constraint for every product to provision. A product that
 * cannot be prepared is tracked as failed or skipped and reported; the workflow then skips its
 * dependents.
 */
async function prepareCatalog<P extends PlannedProduct & ResolvedIds>(aws: Clients, accountId: string, execution: string, products: readonly P[]): Promise<P[]> {
  const prepared: P[] = [];
  for (const p of products) {
    try {
      await ensurePortfolioAccess(aws.sc, p.portfolioId, env('PROVISIONING_ROLE_ARN'));
      await upsertStackSetConstraint(aws.sc, p, {
        accounts: [accountId],
        regions: p.regions,
        adminRoleArn: `arn:aws:iam::${env('MANAGEMENT_ACCOUNT_ID')}:role/service-role/AWSControlTowerStackSetRole`,
        executionRoleName: 'AWSControlTowerExecution',
      });
      prepared.push(p);
    } catch (err) {
      if (!(err instanceof LaunchConstraintConflict || err instanceof CatalogLookupError)) throw err;
      await reportUnprepared(aws, accountId, execution, p, err instanceof LaunchConstraintConflict ? 'skipped' : 'failed', err.message);
    }
  }
  return prepared;
}

/**
 * The dependency levels of what this execution changes, holding only the products that could be
 * prepared. Dependencies on products outside it are done already (unchanged), so only those inside
 * order it; a dependent of a product that could not be prepared stays, and the workflow skips it
 * (its dependency is tracked failed or skipped).
 */
function orderedLevels<P extends PlannedProduct>(changing: readonly PlannedProduct[], prepared: readonly P[]): P[][] {
  const names = new Set(changing.map((p) => p.provisionName));
  const ready = new Map(prepared.map((p) => [p.provisionName, p]));
  return dependencyLevels(changing.map((p) => ({ ...p, dependsOn: p.dependsOn.filter((d) => names.has(d)) })))
    .map((level) => level.flatMap((p) => (ready.has(p.provisionName) ? [ready.get(p.provisionName)!] : [])))
    .filter((level) => level.length > 0);
}

/** Starts the named execution; false when one of that name exists (the event was seen before). */
async function startExecution(aws: Clients, name: string, input: Record<string, unknown>): Promise<boolean> {
  try {
    await aws.sfn.send(new StartExecutionCommand({ stateMachineArn: env('STATE_MACHINE_ARN'), name, input: JSON.stringify(input) }));
    return true;
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- update files

async function onUpdateFiles(aws: Clients, u: UpdateFileUploaded): Promise<TriggerResult> {
  const executions: string[] = [];
  let tree: OrgTree | undefined;
  const resolve = memoizedResolver(aws.sc);
  for (const file of u.files) {
    if (!file.key.startsWith(UPDATES_PREFIX) || !/\.ya?ml$/.test(file.key)) throw new Rejected(`s3://${file.bucket}/${file.key} is not an update file (${UPDATES_PREFIX}*.yaml)`);
    const { content, version } = await readYaml(aws.s3, file.bucket, file.key, UpdateFile, file.versionId);
    tree ??= await readOrganization(aws.orgs, patience());
    const perAccount = new Map<string, PlannedProduct[]>();
    for (const p of content.products) {
      for (const accountId of targetAccounts(tree, p.accounts, p.organizationalUnits)) {
        const decision = decideUpdate(await isProvisioned(aws.sc, provisionedProductName(accountId, p.provisionName)), p.deployIfNotExist);
        if (decision === 'skip') continue;
        perAccount.set(accountId, [
          ...(perAccount.get(accountId) ?? []),
          {
            provisionName: p.provisionName,
            provisionedProductName: provisionedProductName(accountId, p.provisionName),
            product: p.product,
            version: p.version,
            portfolio: p.portfolio,
            regions: p.regions,
            dependsOn: p.dependsOn,
            parameters: substitute(p.parameters, { accountId, managementAccountId: env('MANAGEMENT_ACCOUNT_ID') }),
            action: decision,
          },
        ]);
      }
    }
    for (const [accountId, products] of perAccount) {
      const name = executionName('update', accountId, token(`${file.key}@${version}`).slice(0, 24));
      if ((await describeExecution(aws, name)) !== 'MISSING') {
        logger.info('already handled', { execution: name });
        continue;
      }
      const resolved: Array<PlannedProduct & ResolvedIds & { fingerprint: string }> = [];
      for (const p of products) {
        try {
          const ids = await resolve(p);
          resolved.push({ ...p, ...ids, fingerprint: productFingerprint({ ...p, artifactId: ids.artifactId }) });
        } catch (err) {
          if (!(err instanceof CatalogLookupError)) throw err;
          await reportUnprepared(aws, accountId, name, p, 'failed', err.message);
        }
      }
      const levels = orderedLevels(products, await prepareCatalog(aws, accountId, name, resolved));
      const input = {
        accountId,
        levels,
        maxWaitMinutes: UPDATE_MAX_WAIT_MINUTES,
        maxPolls: Number(process.env.MAX_POLLS ?? 60),
        bootstrapProduct: '',
        handOff: false,
        kept: [],
        unchanged: [],
        enrollment: { check: false, checks: 0, maxChecks: 0 },
      };
      if (await startExecution(aws, name, input)) executions.push(name);
    }
  }
  return { status: executions.length > 0 ? 'started' : 'nothing-to-do', executions };
}

/** Accounts named directly, plus every account in the OUs (by path or id) and the OUs below them. */
export function targetAccounts(tree: OrgTree, accounts: readonly string[], ous: readonly string[]): string[] {
  const out = new Set(accounts);
  for (const ou of ous) {
    const path = ou.startsWith('ou-') || ou.startsWith('r-') ? Object.entries(tree.ouIds).find(([, id]) => id === ou)?.[0] : ou;
    if (!path) throw new Rejected(`OU ${ou} is not in the organization`);
    for (const a of tree.accounts) if (a.status === 'ACTIVE' && isInOu(a.ou, path)) out.add(a.id);
  }
  return [...out].sort();
}
