/** Many accounts at once: a Control Tower baseline event on an OU, and the periodic reconcile. */
import { isGoverned } from '../../../accounts/baseline-selection';
import { isInOu } from '../../../accounts/queries';
import { ouPathById, type OrgTreeAccount } from '../../../accounts/sync';
import { provisionedProductNames } from '../shared/catalog';
import { sleep } from '../shared/clock';
import { type OuTrigger, type ReconcileTrigger, type TriggerSource } from '../shared/events';
import { notify } from '../shared/notify';

import { baselineAccount, type AccountOutcome } from './account';
import { context, env, logger, Rejected, type Clients } from './context';
import type { TriggerResult } from './index';

export async function onMany(aws: Clients, t: OuTrigger | ReconcileTrigger, deadlineMs: number): Promise<TriggerResult> {
  // One paginated search answers "is it provisioned" for every account at once.
  const names = t.kind === 'reconcile' ? await provisionedProductNames(aws.sc) : undefined;
  const ctx = await context(aws, names ? async (name) => names.has(name) : undefined);
  let scope: OrgTreeAccount[];
  if (t.kind === 'ou') {
    const ouPath = ouPathById(ctx.tree, t.ouId);
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
    const o = await baselineAccount(ctx, account, source, false, { record: records.get(account.id) });
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
