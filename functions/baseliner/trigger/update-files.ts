/** Update files: products rolled out to existing accounts, one execution per account and file version. */
import { decideUpdate, plannedProduct, provisionedProductName, type PlannedProduct } from '../../../accounts/baseline-selection';
import { isInOu } from '../../../accounts/queries';
import { UpdateFile } from '../../../accounts/schema';
import { ouPathById, readOrganization, type OrgTree } from '../../../accounts/sync';
import { isProvisioned, memoizedResolver, token } from '../shared/catalog';
import { type UpdateFileUploaded } from '../shared/events';
import { executionName } from '../shared/selection';

import { describeExecution, orderedLevels, prepareCatalog, reportUnprepared, resolveProducts, startExecution } from './account';
import { env, logger, patience, readYaml, Rejected, UPDATES_PREFIX, type Clients } from './context';
import type { TriggerResult } from './index';

/** Update files carry no time budget of their own; each account's rollout gets this one. */
export const UPDATE_MAX_WAIT_MINUTES = 60;

export async function onUpdateFiles(aws: Clients, u: UpdateFileUploaded): Promise<TriggerResult> {
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
        perAccount.set(accountId, [...(perAccount.get(accountId) ?? []), plannedProduct(p, accountId, env('MANAGEMENT_ACCOUNT_ID'), decision)]);
      }
    }
    for (const [accountId, products] of perAccount) {
      const name = executionName('update', accountId, token(`${file.key}@${version}`).slice(0, 24));
      if ((await describeExecution(aws, name)) !== 'MISSING') {
        logger.info('already handled', { execution: name });
        continue;
      }
      const { resolved, unresolved } = await resolveProducts(resolve, products);
      for (const u of unresolved) await reportUnprepared(aws, accountId, name, u.product, 'failed', u.reason);
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
    const path = ou.startsWith('ou-') || ou.startsWith('r-') ? ouPathById(tree, ou) : ou;
    if (!path) throw new Rejected(`OU ${ou} is not in the organization`);
    for (const a of tree.accounts) if (a.status === 'ACTIVE' && isInOu(a.ou, path)) out.add(a.id);
  }
  return [...out].sort();
}
