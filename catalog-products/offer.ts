/**
 * What the catalog offers, as data: each product, its versions and their status, and the Regions
 * its StackSet constraint allows. The catalog stack builds from it, and baseline.yaml and the update
 * files are checked against it, so the baseliner is never sent for a product, version or Region
 * that Service Catalog would refuse hours later. No AWS.
 */
import * as path from 'node:path';
import { CONFIG_FILES, type Config } from '../accounts/config';
import { suggestion, type ConfigIssue } from '../accounts/issues';
import type { ProductFields } from '../accounts/schema';
import type { CatalogParameters } from './parameters';

/** The current account-baseline version; bump it when the AccountBaseline construct changes. */
export const ACCOUNT_BASELINE_VERSION = 'v3';
/**
 * Released account-baseline versions, newest first, with why each is deprecated (shown as its
 * description in Service Catalog). They stay in the product so that accounts provisioned with them
 * keep their provisioned product (Service Catalog refuses to delete a version in use), but with
 * guidance DEPRECATED and inactive, so nobody launches or updates to them.
 */
export const ACCOUNT_BASELINE_DEPRECATED: ReadonlyArray<{ readonly version: string; readonly reason: string }> = [
  { version: 'v2', reason: 'its launch role could create roles without a permissions boundary' },
  { version: 'v1', reason: 'hard-codes the aws partition, and moving to it deletes the self-service launch role' },
];
export const SELF_SERVICE_VERSION = 'v1';

export type VersionStatus = 'current' | 'deprecated';

export interface OfferedProduct {
  readonly name: string;
  /** baseline: provisioned into accounts through a StackSet constraint; self-service: launched locally. */
  readonly kind: 'baseline' | 'self-service';
  readonly versions: ReadonlyArray<{ readonly name: string; readonly status: VersionStatus }>;
  /** The Regions the StackSet constraint allows (baseline products). */
  readonly regions?: readonly string[];
  /** Why the product's Regions are what they are, for error messages. */
  readonly regionsReason?: string;
}

export interface CatalogOffer {
  readonly portfolio: string;
  readonly products: readonly OfferedProduct[];
}

export function catalogOffer(parameters: CatalogParameters, org: { regions: readonly string[]; homeRegion: string }, bootstrapVersion: string): CatalogOffer {
  return {
    portfolio: parameters.portfolio.name,
    products: [
      { name: 'cdk-bootstrap', kind: 'baseline', versions: [{ name: bootstrapVersion, status: 'current' }], regions: [...org.regions], regionsReason: 'every governed Region' },
      {
        name: 'account-baseline',
        kind: 'baseline',
        versions: [{ name: ACCOUNT_BASELINE_VERSION, status: 'current' }, ...ACCOUNT_BASELINE_DEPRECATED.map((d) => ({ name: d.version, status: 'deprecated' as const }))],
        // Its roles and budget are global to the account: one instance, in the home Region.
        regions: [org.homeRegion],
        regionsReason: 'its IAM roles and budget are global to the account, so it has one instance, in the home Region',
      },
      ...parameters.selfService.map((name) => ({ name, kind: 'self-service' as const, versions: [{ name: SELF_SERVICE_VERSION, status: 'current' as const }] })),
    ],
  };
}

/**
 * baseline.yaml and the update files against the offer: the product is in the portfolio and is a
 * baseline product, the version is offered and not deprecated, and the Regions are ones its
 * constraint allows. The bootstrap product must reach every governed Region: the pipeline deploys
 * there, and an unbootstrapped Region fails every deployment to it.
 */
export function baselineOfferIssues(config: Config, offer: CatalogOffer): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const baselineFile = path.join(config.dir, CONFIG_FILES.baseline);
  const lists: Array<{ file: string; at: string; products: readonly ProductFields[] }> = [
    ...Object.entries(config.baseline.organizationalUnits).map(([ou, products]) => ({ file: baselineFile, at: `organizationalUnits.${ou}`, products })),
    ...config.updates.map((u) => ({ file: u.file, at: 'products', products: u.content.products })),
  ];
  const byName = new Map(offer.products.map((p) => [p.name, p]));
  for (const { file, at, products } of lists) {
    products.forEach((p, i) => {
      if (p.portfolio !== offer.portfolio) return; // another team's portfolio: not ours to check
      const where = `${at}[${i}]`;
      const offered = byName.get(p.product);
      if (!offered) {
        issues.push({ file, path: `${where}.product`, problem: `product "${p.product}" is not in the ${offer.portfolio} portfolio`, fix: suggestion(p.product, [...byName.keys()], 'product') });
        return;
      }
      if (offered.kind !== 'baseline') {
        issues.push({
          file,
          path: `${where}.product`,
          problem: `"${p.product}" is a self-service product: it is launched in an account by its users, not provisioned by the baseliner`,
          fix: `baseline products are ${offer.products
            .filter((o) => o.kind === 'baseline')
            .map((o) => o.name)
            .join(', ')}`,
        });
        return;
      }
      if (p.version) {
        const version = offered.versions.find((v) => v.name === p.version);
        const current = offered.versions.filter((v) => v.status === 'current').map((v) => v.name);
        if (!version) issues.push({ file, path: `${where}.version`, problem: `${p.product} has no version "${p.version}"`, fix: `offered: ${current.join(', ')} (or omit version for the newest)` });
        else if (version.status === 'deprecated')
          issues.push({ file, path: `${where}.version`, problem: `${p.product} ${p.version} is deprecated and cannot be launched`, fix: `use ${current.join(', ')}, or omit version for the newest` });
      }
      p.regions.forEach((r, ri) => {
        if (offered.regions && !offered.regions.includes(r)) {
          issues.push({ file, path: `${where}.regions[${ri}]`, problem: `${p.product} is not offered in ${r}: ${offered.regionsReason}`, fix: `regions: [${offered.regions.join(', ')}]` });
        }
      });
      if (file === baselineFile && p.provisionName === config.baseline.bootstrapProduct) {
        const missing = config.organization.regions.filter((r) => !p.regions.includes(r));
        if (missing.length > 0)
          issues.push({
            file,
            path: `${where}.regions`,
            problem: `the bootstrap product does not reach the governed Region${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: the pipeline deploys to every governed Region and needs it bootstrapped`,
            fix: `regions: [${config.organization.regions.join(', ')}]`,
          });
      }
    });
  }
  return issues;
}
