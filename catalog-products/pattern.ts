/**
 * The catalog as a pattern of the registry: management account, home Region, and the check of
 * baseline.yaml and the update files against what the portfolio offers.
 */
import { managementHomeOnly, platform } from '../stages';
import { baselineOfferIssues, catalogOffer } from './offer';
import { CatalogParameters } from './parameters';
import { toolkitBootstrapVersion } from './products/cdk-bootstrap';
import { CatalogStage } from './stage';

export const CATALOG_PATTERN = platform({
  id: 'catalog',
  description: 'Service Catalog portfolio: versioned baseline products (cdk-bootstrap, account-baseline) and self-service patterns, with org-scoped asset buckets',
  parameters: CatalogParameters,
  providesStackSetAssetBuckets: true,
  targetLimits: 'the management account, in the home Region; needs management.organizationId',
  // baseline.yaml and the update files name its products, versions and Regions.
  configIssues: (p, config) =>
    baselineOfferIssues(config, catalogOffer(p, { regions: config.organization.regions, homeRegion: config.organization.management.homeRegion }, `v${toolkitBootstrapVersion()}`)),
  targetRule: (p, target, org) =>
    managementHomeOnly('the catalog')!(p, target, org) ??
    (org.organizationId ? undefined : { problem: 'its asset buckets are readable by the organization, whose id is not configured', fix: 'set management.organizationId (o-…) in organization.yaml' }),
  createStage: (scope, id, props) => new CatalogStage(scope, id, props),
});
