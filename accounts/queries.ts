/** Questions the planner and the baseliner ask of a loaded config: no AWS, no files. */
import { ROOT_OU, type Account, type DeliveryMode, type Target } from './schema';

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
