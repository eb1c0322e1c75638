/**
 * Service Catalog, as the baseliner uses it: names → ids, portfolio access, STACKSET constraints,
 * provisioning and records. Every call is one SDK v3 command; retries live in the state machine.
 */
import {
  AssociatePrincipalWithPortfolioCommand,
  CreateConstraintCommand,
  DescribeConstraintCommand,
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  ListProvisioningArtifactsCommand,
  paginateListConstraintsForPortfolio,
  paginateListPortfolios,
  paginateListPrincipalsForPortfolio,
  paginateSearchProductsAsAdmin,
  paginateSearchProvisionedProducts,
  ProvisionProductCommand,
  TerminateProvisionedProductCommand,
  ResourceNotFoundException,
  UpdateConstraintCommand,
  UpdateProvisionedProductCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { createHash } from 'node:crypto';
import type { PlannedProduct } from '../../../accounts/baseline-selection';

/** A product whose name, portfolio or version does not resolve: failing again will not help. */
export class CatalogLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogLookupError';
  }
}

/** A product that has a LAUNCH constraint in the portfolio: a STACKSET one cannot be added beside it. */
export class LaunchConstraintConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchConstraintConflict';
  }
}

export interface ResolvedIds {
  readonly productId: string;
  readonly portfolioId: string;
  readonly artifactId: string;
  readonly artifactName: string;
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

export async function resolveIds(sc: ServiceCatalogClient, p: Pick<PlannedProduct, 'product' | 'portfolio' | 'version'>): Promise<ResolvedIds> {
  const products = (await all(paginateSearchProductsAsAdmin({ client: sc }, { Filters: { FullTextSearch: [p.product] } }))).flatMap((page) => page.ProductViewDetails ?? []);
  const product = products.find((d) => d.ProductViewSummary?.Name === p.product)?.ProductViewSummary?.ProductId;
  if (!product) throw new CatalogLookupError(`product "${p.product}" is not in Service Catalog`);
  const portfolios = (await all(paginateListPortfolios({ client: sc }, {}))).flatMap((page) => page.PortfolioDetails ?? []);
  const portfolio = portfolios.find((d) => d.DisplayName === p.portfolio)?.Id;
  if (!portfolio) throw new CatalogLookupError(`portfolio "${p.portfolio}" is not in Service Catalog`);
  const artifacts = (await sc.send(new ListProvisioningArtifactsCommand({ ProductId: product }))).ProvisioningArtifactDetails ?? [];
  const usable = artifacts.filter((a) => a.Active !== false);
  const artifact = p.version ? artifacts.find((a) => a.Name === p.version) : [...usable].sort((a, b) => (b.CreatedTime?.getTime() ?? 0) - (a.CreatedTime?.getTime() ?? 0))[0];
  if (!artifact?.Id) throw new CatalogLookupError(p.version ? `product "${p.product}" has no version "${p.version}"` : `product "${p.product}" has no active version`);
  return { productId: product, portfolioId: portfolio, artifactId: artifact.Id, artifactName: artifact.Name ?? artifact.Id };
}

/** Lets `principalArn` launch the portfolio's products (once; a repeat is a no-op). */
export async function ensurePortfolioAccess(sc: ServiceCatalogClient, portfolioId: string, principalArn: string): Promise<'associated' | 'present'> {
  const principals = (await all(paginateListPrincipalsForPortfolio({ client: sc }, { PortfolioId: portfolioId }))).flatMap((page) => page.Principals ?? []);
  if (principals.some((x) => x.PrincipalARN === principalArn)) return 'present';
  await sc.send(new AssociatePrincipalWithPortfolioCommand({ PortfolioId: portfolioId, PrincipalARN: principalArn, PrincipalType: 'IAM' }));
  return 'associated';
}

export interface StackSetTarget {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly adminRoleArn: string;
  readonly executionRoleName: string;
}

/** The STACKSET constraint's parameters, with the accounts and Regions already there kept. */
export function stackSetParameters(target: StackSetTarget, existing?: string): string {
  const previous = existing ? (JSON.parse(existing) as { Properties?: { AccountList?: string[]; RegionList?: string[] } }).Properties : undefined;
  const union = (a: readonly string[] = [], b: readonly string[] = []) => [...new Set([...a, ...b])].sort();
  return JSON.stringify({
    Version: '2.0',
    Properties: {
      AccountList: union(previous?.AccountList, target.accounts),
      RegionList: union(previous?.RegionList, target.regions),
      AdminRole: target.adminRoleArn,
      ExecutionRole: target.executionRoleName,
    },
  });
}

/**
 * Creates or widens the product's STACKSET constraint. A LAUNCH constraint is never deleted: it is
 * reported as a conflict and the product is skipped.
 */
export async function upsertStackSetConstraint(sc: ServiceCatalogClient, ids: ResolvedIds, target: StackSetTarget): Promise<'created' | 'updated'> {
  const constraints = (await all(paginateListConstraintsForPortfolio({ client: sc }, { PortfolioId: ids.portfolioId, ProductId: ids.productId }))).flatMap((page) => page.ConstraintDetails ?? []);
  if (constraints.some((c) => c.Type === 'LAUNCH')) {
    throw new LaunchConstraintConflict(`product ${ids.productId} has a LAUNCH constraint in portfolio ${ids.portfolioId}; remove it to let the baseliner add a STACKSET constraint`);
  }
  const existing = constraints.find((c) => c.Type === 'STACKSET');
  if (existing?.ConstraintId) {
    const described = await sc.send(new DescribeConstraintCommand({ Id: existing.ConstraintId }));
    await sc.send(new UpdateConstraintCommand({ Id: existing.ConstraintId, Parameters: stackSetParameters(target, described.ConstraintParameters) }));
    return 'updated';
  }
  await sc.send(
    new CreateConstraintCommand({
      PortfolioId: ids.portfolioId,
      ProductId: ids.productId,
      Type: 'STACKSET',
      Parameters: stackSetParameters(target),
      Description: 'platform-delivery baseliner: StackSet deployment into member accounts',
      IdempotencyToken: token(`${ids.portfolioId}/${ids.productId}/stackset`),
    }),
  );
  return 'created';
}

/**
 * resolveIds, once per product, portfolio and version within one invocation: a reconcile of
 * hundreds of accounts asks Service Catalog once per product, not once per account.
 */
export function memoizedResolver(sc: ServiceCatalogClient): (p: Pick<PlannedProduct, 'product' | 'portfolio' | 'version'>) => Promise<ResolvedIds> {
  const seen = new Map<string, Promise<ResolvedIds>>();
  return (p) => {
    const key = JSON.stringify([p.product, p.portfolio, p.version ?? null]);
    let ids = seen.get(key);
    if (!ids) {
      ids = resolveIds(sc, p);
      // A failed lookup is not remembered: the next account asks again.
      ids.catch(() => seen.delete(key));
      seen.set(key, ids);
    }
    return ids;
  };
}

/**
 * Every provisioned product of this account (the management account) that is there, by name: one
 * paginated search. ERROR means its provisioning failed: it is not there.
 */
export async function provisionedProductNames(sc: ServiceCatalogClient): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const page of paginateSearchProvisionedProducts({ client: sc, pageSize: 100 }, { AccessLevelFilter: { Key: 'Account', Value: 'self' } })) {
    for (const p of page.ProvisionedProducts ?? []) if (p.Name && p.Status !== 'ERROR') names.add(p.Name);
  }
  return names;
}

/** Whether `<accountId>-<provisionName>` is provisioned already. */
export async function isProvisioned(sc: ServiceCatalogClient, provisionedProductName: string): Promise<boolean> {
  try {
    await sc.send(new DescribeProvisionedProductCommand({ Name: provisionedProductName }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

/** A stable idempotency token: the same execution and product always send the same one. */
export function token(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export interface ProvisionInput {
  readonly accountId: string;
  readonly executionName: string;
  readonly product: PlannedProduct & ResolvedIds;
}

/**
 * Starts provisioning (deploy) or an update of the StackSet-backed product, returning the record
 * id. The idempotency token derives from execution and product, so a retried call does not
 * provision twice.
 */
export async function startProvisioning(sc: ServiceCatalogClient, input: ProvisionInput): Promise<string> {
  const p = input.product;
  const parameters = Object.entries(p.parameters).map(([Key, Value]) => ({ Key, Value }));
  const ProvisionToken = token(`${input.executionName}/${p.provisionName}`);
  if (p.action === 'terminate') {
    const out = await sc.send(new TerminateProvisionedProductCommand({ ProvisionedProductName: p.provisionedProductName, TerminateToken: ProvisionToken }));
    return requireRecord(out.RecordDetail?.RecordId, p.provisionName);
  }
  if (p.action === 'update') {
    const out = await sc.send(
      new UpdateProvisionedProductCommand({
        ProvisionedProductName: p.provisionedProductName,
        ProductId: p.productId,
        ProvisioningArtifactId: p.artifactId,
        ProvisioningParameters: parameters,
        ProvisioningPreferences: { StackSetAccounts: [input.accountId], StackSetRegions: [...p.regions], StackSetOperationType: 'UPDATE' },
        UpdateToken: ProvisionToken,
      }),
    );
    return requireRecord(out.RecordDetail?.RecordId, p.provisionName);
  }
  const out = await sc.send(
    new ProvisionProductCommand({
      ProductId: p.productId,
      ProvisioningArtifactId: p.artifactId,
      ProvisionedProductName: p.provisionedProductName,
      ProvisioningParameters: parameters,
      ProvisioningPreferences: { StackSetAccounts: [input.accountId], StackSetRegions: [...p.regions] },
      ProvisionToken,
      Tags: [{ Key: 'platform:baseliner', Value: input.executionName.slice(0, 256) }],
    }),
  );
  return requireRecord(out.RecordDetail?.RecordId, p.provisionName);
}

function requireRecord(recordId: string | undefined, name: string): string {
  if (!recordId) throw new Error(`Service Catalog returned no record for ${name}`);
  return recordId;
}

export type RecordStatus = 'CREATED' | 'IN_PROGRESS' | 'IN_PROGRESS_IN_ERROR' | 'SUCCEEDED' | 'FAILED';

export async function recordStatus(sc: ServiceCatalogClient, recordId: string): Promise<{ status: RecordStatus; errors: string[] }> {
  const out = await sc.send(new DescribeRecordCommand({ Id: recordId }));
  return {
    status: out.RecordDetail?.Status ?? 'IN_PROGRESS',
    errors: (out.RecordDetail?.RecordErrors ?? []).map((e) => `${e.Code ?? 'Error'}: ${e.Description ?? ''}`.trim()),
  };
}
