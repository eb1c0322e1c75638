/**
 * The baseliner's entry: a Control Tower lifecycle event (new or re-enrolled account) or an update
 * file landing in the config bucket. It validates, decides what each account gets, prepares
 * Service Catalog (portfolio access, STACKSET constraints) and starts one execution per account,
 * named from account and config version, so a repeated event starts nothing new.
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
import type { z } from 'zod';
import { isInOu } from '../../../accounts/loader';
import { readOrganization, type OrgTree } from '../../../accounts/sync';
import { Baseline, UpdateFile } from '../../../accounts/schema';
import { CatalogLookupError, ensurePortfolioAccess, isProvisioned, LaunchConstraintConflict, resolveIds, token, upsertStackSetConstraint } from '../shared/catalog';
import { currentTime } from '../shared/clock';
import { MalformedEventError, parseTrigger, type AccountVended, type UpdateFileUploaded } from '../shared/events';
import { notify } from '../shared/notify';
import { decideUpdate, dependencyLevels, executionName, ouAncestors, planAccount, provisionedProductName, SelectionError, substitute, type PlannedProduct } from '../shared/selection';
import { Tracking } from '../shared/tracking';

const logger = new Logger({ serviceName: 'baseliner-trigger' });
const s3 = new S3Client({});
const sc = new ServiceCatalogClient({});
const sfn = new SFNClient({});
const sns = new SNSClient({});
// Organizations is served from us-east-1 whatever the home Region.
const orgs = new OrganizationsClient({ region: 'us-east-1' });

export const BASELINE_KEY = 'baseline.yaml';
export const UPDATES_PREFIX = 'updates/';
/** Update files carry no time budget of their own; each account's rollout gets this one. */
export const UPDATE_MAX_WAIT_MINUTES = 60;

/** A problem no retry will fix (bad event, bad config, unknown product): reported, nothing started. */
class Rejected extends Error {}

export interface TriggerResult {
  readonly status: 'started' | 'duplicate' | 'rejected' | 'nothing-to-do';
  readonly executions: string[];
  readonly reason?: string;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export async function handler(event: unknown): Promise<TriggerResult> {
  try {
    const trigger = parseTrigger(event);
    return trigger.kind === 'vend' ? await onAccountVended(trigger) : await onUpdateFiles(trigger);
  } catch (err) {
    if (err instanceof MalformedEventError || err instanceof Rejected || err instanceof SelectionError) {
      logger.error('rejected', { reason: err.message });
      await notify(sns, env('TOPIC_ARN'), 'Baseliner rejected an event', { reason: err.message, event });
      return { status: 'rejected', executions: [], reason: err.message };
    }
    // Transient (throttling, service errors): Lambda retries, then the on-failure destination reports it.
    throw err;
  }
}

async function readConfig<S extends z.ZodType>(bucket: string, key: string, schema: S, versionId?: string): Promise<{ content: z.output<S>; version: string }> {
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

/** The account's OU path and the ids along it, from the organization (nested OUs included). */
function ouOf(tree: OrgTree, accountId: string, eventOuId?: string): { ouPath: string; ouIds: string[] } {
  const ouPath = tree.accounts.find((a) => a.id === accountId)?.ou ?? Object.entries(tree.ouIds).find(([, id]) => id === eventOuId)?.[0];
  if (!ouPath) throw new Rejected(`account ${accountId} is not in the organization${eventOuId ? ` and OU ${eventOuId} is unknown` : ''}`);
  return { ouPath, ouIds: ouAncestors(ouPath).map((p) => tree.ouIds[p]) };
}

async function onAccountVended(t: AccountVended): Promise<TriggerResult> {
  const { content: baseline, version } = await readConfig(env('CONFIG_BUCKET'), BASELINE_KEY, Baseline);
  const { ouPath, ouIds } = ouOf(await readOrganization(orgs), t.accountId, t.ouId);
  const levels = planAccount(baseline, { accountId: t.accountId, ouPath, ouIds }, env('MANAGEMENT_ACCOUNT_ID'));
  logger.info('baseline chosen', { account: t.accountId, ouPath, products: levels.flat().map((p) => p.provisionName) });
  const name = executionName('vend', t.accountId, token(`${version}`).slice(0, 24));
  return start(t.accountId, name, levels, baseline.maxWaitMinutes, baseline.bootstrapProduct);
}

async function onUpdateFiles(u: UpdateFileUploaded): Promise<TriggerResult> {
  const executions: string[] = [];
  let tree: OrgTree | undefined;
  for (const file of u.files) {
    if (!file.key.startsWith(UPDATES_PREFIX) || !/\.ya?ml$/.test(file.key)) throw new Rejected(`s3://${file.bucket}/${file.key} is not an update file (${UPDATES_PREFIX}*.yaml)`);
    const { content, version } = await readConfig(file.bucket, file.key, UpdateFile, file.versionId);
    tree ??= await readOrganization(orgs);
    const perAccount = new Map<string, PlannedProduct[]>();
    for (const p of content.products) {
      for (const accountId of targetAccounts(tree, p.accounts, p.organizationalUnits)) {
        const provisioned = await isProvisioned(sc, provisionedProductName(accountId, p.provisionName));
        const decision = decideUpdate(provisioned, p.deployIfNotExist);
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
      // Only order against products this file changes in this account; the others stay as they are.
      const names = new Set(products.map((p) => p.provisionName));
      const levels = dependencyLevels(products.map((p) => ({ ...p, dependsOn: p.dependsOn.filter((d) => names.has(d)) })));
      const name = executionName('update', accountId, token(`${file.key}@${version}`).slice(0, 24));
      const result = await start(accountId, name, levels, UPDATE_MAX_WAIT_MINUTES, undefined);
      executions.push(...result.executions);
    }
  }
  return { status: executions.length > 0 ? 'started' : 'nothing-to-do', executions };
}

/** Whether an execution of that name exists (running or closed): the event was seen before. */
async function executionExists(name: string): Promise<boolean> {
  const executionArn = `${env('STATE_MACHINE_ARN').replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return true;
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) return false;
    throw err;
  }
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

/**
 * Resolves ids, grants the portfolio to the provisioning role, upserts the STACKSET constraint, and
 * starts the execution. A product that cannot be prepared is tracked as failed or skipped and
 * reported; its dependents are then skipped by the state machine.
 */
async function start(accountId: string, name: string, levels: PlannedProduct[][], maxWaitMinutes: number, bootstrapProduct: string | undefined): Promise<TriggerResult> {
  const tracking = new Tracking(DynamoDBDocumentClient.from(new DynamoDBClient({})), env('TABLE_NAME'));
  if (await executionExists(name)) {
    logger.info('already handled', { execution: name });
    return { status: 'duplicate', executions: [] };
  }
  const ready: Array<Array<PlannedProduct & Awaited<ReturnType<typeof resolveIds>>>> = [];
  for (const level of levels) {
    const prepared = [];
    for (const p of level) {
      try {
        const ids = await resolveIds(sc, p);
        await ensurePortfolioAccess(sc, ids.portfolioId, env('PROVISIONING_ROLE_ARN'));
        await upsertStackSetConstraint(sc, ids, {
          accounts: [accountId],
          regions: p.regions,
          adminRoleArn: `arn:aws:iam::${env('MANAGEMENT_ACCOUNT_ID')}:role/service-role/AWSControlTowerStackSetRole`,
          executionRoleName: 'AWSControlTowerExecution',
        });
        prepared.push({ ...p, ...ids });
      } catch (err) {
        if (!(err instanceof LaunchConstraintConflict || err instanceof CatalogLookupError)) throw err;
        const status = err instanceof LaunchConstraintConflict ? 'skipped' : 'failed';
        const now = new Date(currentTime()).toISOString();
        await tracking.put({ accountId, provisionName: p.provisionName, product: p.product, version: p.version, regions: p.regions, action: p.action, status, executionName: name, reason: err.message, startedAt: now, updatedAt: now });
        await notify(sns, env('TOPIC_ARN'), `Baseline: ${p.provisionName} ${status} in ${accountId}`, { account: accountId, product: p.product, reason: err.message, execution: name });
      }
    }
    if (prepared.length > 0) ready.push(prepared);
  }
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env('STATE_MACHINE_ARN'),
        name,
        input: JSON.stringify({ accountId, levels: ready, maxWaitMinutes, maxPolls: Number(process.env.MAX_POLLS ?? 60), bootstrapProduct: bootstrapProduct ?? '' }),
      }),
    );
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) {
      logger.info('execution exists already', { execution: name });
      return { status: 'duplicate', executions: [] };
    }
    throw err;
  }
  logger.info('execution started', { execution: name, products: ready.flat().length });
  return { status: 'started', executions: [name] };
}
