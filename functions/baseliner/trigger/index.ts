/**
 * The baseliner's entry. Every way an account arrives (Control Tower Create/UpdateManagedAccount,
 * an Organizations MoveAccount, a Control Tower baseline event on the account or its OU, the
 * periodic reconcile) goes down one path: the account's OU from Organizations → the products
 * baseline.yaml selects → their Service Catalog versions → one selection key. A selection already
 * running or done starts nothing; a new one, or a retry after a recorded failure, starts one
 * execution that provisions only what differs. Update files roll products out to existing accounts.
 */
import { SelectionError } from '../../../accounts/baseline-selection';
import { ouPathById } from '../../../accounts/sync';
import { MalformedEventError } from '../../shared/malformed-event';
import { parseTrigger, type AccountTrigger } from '../shared/events';
import { notify } from '../shared/notify';
import { baselineAccount, type AccountOutcome } from './account';
import { clients, context, env, logger, Rejected, type Clients } from './context';
import { onMany } from './reconcile';
import { onUpdateFiles } from './update-files';

/** The reconcile stops starting executions this long before the function would time out. */
export const RECONCILE_RESERVE_MS = 45_000;

export interface TriggerResult {
  readonly status: 'started' | 'duplicate' | 'rejected' | 'nothing-to-do' | 'ignored';
  readonly executions: string[];
  readonly reason?: string;
  /** One line per account looked at (OU events and the reconcile look at many). */
  readonly outcomes?: AccountOutcome[];
}

export async function handler(event: unknown, lambdaContext?: { getRemainingTimeInMillis?: () => number }): Promise<TriggerResult> {
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
        return await onMany(aws, trigger, deadline(lambdaContext));
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

async function onAccount(aws: Clients, t: AccountTrigger): Promise<TriggerResult> {
  const ctx = await context(aws);
  const account = ctx.tree.accounts.find((a) => a.id === t.accountId);
  const eventOu = t.ouId ? ouPathById(ctx.tree, t.ouId) : undefined;
  if (!account && !eventOu) throw new Rejected(`account ${t.accountId} is not in the organization${t.ouId ? ` and OU ${t.ouId} is unknown` : ''}`);
  const outcome = await baselineAccount(ctx, { id: t.accountId, ou: account?.ou ?? eventOu!, status: account?.status ?? 'ACTIVE' }, t.source, t.enrolled);
  return single(outcome);
}

function single(o: AccountOutcome): TriggerResult {
  const status = o.outcome === 'started' ? 'started' : o.outcome === 'duplicate' ? 'duplicate' : o.outcome === 'rejected' ? 'rejected' : 'ignored';
  return { status, executions: o.execution ? [o.execution] : [], reason: o.why, outcomes: [o] };
}

/** An OU's baseline event, or the reconcile: every governed account in scope, bounded by count and time. */
