/** One account, whatever brought it: its selection, what changes, and the execution that makes the change. */
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dependencyLevels, isGoverned, ouAncestors, planAccount, planChanges, provisionedProductName, SelectionError, type PlannedProduct } from '../../../accounts/baseline-selection';
import { CatalogLookupError, ensurePortfolioAccess, LaunchConstraintConflict, upsertStackSetConstraint, type ResolvedIds } from '../shared/catalog';
import { currentTime } from '../shared/clock';
import { type TriggerSource } from '../shared/events';
import { notify } from '../shared/notify';
import { baselineExecutionName, decideStart, productFingerprint, selectionKey } from '../shared/selection';
import { type SelectionItem } from '../shared/tracking';

import { env, logger, type Clients, type Context } from './context';

export type Outcome = 'started' | 'duplicate' | 'ignored' | 'deferred' | 'rejected';

export interface AccountOutcome {
  readonly accountId: string;
  readonly outcome: Outcome;
  readonly why: string;
  readonly execution?: string;
  /** The reconcile stopped retrying this account's failing selection. */
  readonly gaveUp?: boolean;
}

/**
 * One account: what baseline.yaml selects for its OU now, as Service Catalog resolves it, against
 * what the account last got. Starts one execution, or says why not.
 */
export async function baselineAccount(
  ctx: Context,
  account: { id: string; ou: string; status: string },
  source: TriggerSource,
  enrolled: boolean,
  /** The account's selection record, when the caller read many at once. */
  prefetched?: { record: SelectionItem | undefined },
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
  const { resolved, unresolved } = await resolveProducts(ctx.resolve, selected);
  // An unresolvable product is part of the key: once it resolves, the selection is new.
  const key = selectionKey(account.id, [...resolved, ...unresolved.map((u) => ({ provisionName: u.product.provisionName, fingerprint: `unresolved:${u.reason}` }))]);
  const record = prefetched ? prefetched.record : await aws.tracking.selection(account.id);
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

/** Each product's Service Catalog ids and fingerprint; a product that does not resolve, with the reason. */
export async function resolveProducts(resolve: Context['resolve'], products: readonly PlannedProduct[]) {
  const resolved: Array<PlannedProduct & ResolvedIds & { fingerprint: string }> = [];
  const unresolved: Array<{ product: PlannedProduct; reason: string }> = [];
  for (const p of products) {
    try {
      const ids = await resolve(p);
      resolved.push({ ...p, ...ids, fingerprint: productFingerprint({ ...p, artifactId: ids.artifactId }) });
    } catch (err) {
      if (!(err instanceof CatalogLookupError)) throw err;
      unresolved.push({ product: p, reason: err.message });
    }
  }
  return { resolved, unresolved };
}

export async function describeExecution(aws: Clients, name: string): Promise<string> {
  const executionArn = `${env('STATE_MACHINE_ARN').replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    return (await aws.sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
  } catch (err) {
    // Recorded as running but never started (StartExecution failed after the record was written).
    if (err instanceof ExecutionDoesNotExist) return 'MISSING';
    throw err;
  }
}

export async function reportUnprepared(aws: Clients, accountId: string, execution: string, p: PlannedProduct, status: 'failed' | 'skipped', reason: string): Promise<void> {
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
export async function prepareCatalog<P extends PlannedProduct & ResolvedIds>(aws: Clients, accountId: string, execution: string, products: readonly P[]): Promise<P[]> {
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
export function orderedLevels<P extends PlannedProduct>(changing: readonly PlannedProduct[], prepared: readonly P[]): P[][] {
  const names = new Set(changing.map((p) => p.provisionName));
  const ready = new Map(prepared.map((p) => [p.provisionName, p]));
  return dependencyLevels(changing.map((p) => ({ ...p, dependsOn: p.dependsOn.filter((d) => names.has(d)) })))
    .map((level) => level.flatMap((p) => (ready.has(p.provisionName) ? [ready.get(p.provisionName)!] : [])))
    .filter((level) => level.length > 0);
}

/** Starts the named execution; false when one of that name exists (the event was seen before). */
export async function startExecution(aws: Clients, name: string, input: Record<string, unknown>): Promise<boolean> {
  try {
    await aws.sfn.send(new StartExecutionCommand({ stateMachineArn: env('STATE_MACHINE_ARN'), name, input: JSON.stringify(input) }));
    return true;
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return false;
    throw err;
  }
}
