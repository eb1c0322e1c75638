import { loadConfigOrThrow } from '../../accounts/loader';
import { formatIssue } from '../../accounts/issues';
import { baselineOfferIssues, catalogOffer } from '../../catalog-products/offer';
import { CatalogParameters } from '../../catalog-products/parameters';
import { toolkitBootstrapVersion } from '../../catalog-products/products/cdk-bootstrap';
import { configFixture, replaceOnce } from '../support/config-fixture';
import { planResult } from '../support/plan';

const BOOTSTRAP = `v${toolkitBootstrapVersion()}`;
const offerIssues = (edits: Parameters<typeof configFixture>[0], parameters: Record<string, unknown> = {}) => {
  const config = loadConfigOrThrow(configFixture(edits));
  const org = { regions: config.organization.regions, homeRegion: config.organization.management.homeRegion };
  return baselineOfferIssues(config, catalogOffer(CatalogParameters.parse(parameters), org, BOOTSTRAP)).map((i) => formatIssue(i).replace(/^.*?\.tmp\/config-[^/]+\//, ''));
};
const product = (fields: string) => `\n  Workloads/Dev:\n    - { ${fields} }\n`;
const appendToBaseline = (text: string) => (original: string) => original + text;

describe('baseline.yaml against what the catalog offers', () => {
  it('the sample baseline names only offered products, versions and Regions', () => {
    expect(offerIssues({})).toEqual([]);
  });

  it('offers account-baseline v3 as current and v2, v1 as deprecated, in the home Region only; cdk-bootstrap in every governed Region', () => {
    const offer = catalogOffer(CatalogParameters.parse({}), { regions: ['us-east-1', 'eu-west-1'], homeRegion: 'us-east-1' }, BOOTSTRAP);
    expect(offer.products.map((p) => [p.name, p.kind, p.versions.map((v) => `${v.name}:${v.status}`), p.regions])).toEqual([
      ['cdk-bootstrap', 'baseline', [`${BOOTSTRAP}:current`], ['us-east-1', 'eu-west-1']],
      ['account-baseline', 'baseline', ['v3:current', 'v2:deprecated', 'v1:deprecated'], ['us-east-1']],
      ['sns-fifo-jobs', 'self-service', ['v1:current'], undefined],
      ['privatelink-lambda', 'self-service', ['v1:current'], undefined],
    ]);
  });

  it.each([
    [
      'a product the catalog never creates',
      'product: prod-guardrails, portfolio: platform-baseline, provisionName: prod-guardrails, regions: [us-east-1]',
      'baseline.yaml: organizationalUnits.Workloads/Dev[0].product: product "prod-guardrails" is not in the platform-baseline portfolio',
    ],
    ['a misspelt product', 'product: acount-baseline, portfolio: platform-baseline, provisionName: x, regions: [us-east-1]', 'did you mean "account-baseline"?'],
    [
      'a self-service product',
      'product: sns-fifo-jobs, portfolio: platform-baseline, provisionName: jobs, regions: [us-east-1]',
      '"sns-fifo-jobs" is a self-service product: it is launched in an account by its users, not provisioned by the baseliner (baseline products are cdk-bootstrap, account-baseline)',
    ],
    [
      'a deprecated version',
      'product: account-baseline, version: v1, portfolio: platform-baseline, provisionName: account-baseline, dependsOn: [cdk-bootstrap], regions: [us-east-1]',
      'organizationalUnits.Workloads/Dev[0].version: account-baseline v1 is deprecated and cannot be launched (use v3, or omit version for the newest)',
    ],
    [
      'an unknown version',
      'product: account-baseline, version: v9, portfolio: platform-baseline, provisionName: account-baseline, dependsOn: [cdk-bootstrap], regions: [us-east-1]',
      'account-baseline has no version "v9" (offered: v3 (or omit version for the newest))',
    ],
    [
      'a second Region for the global account-baseline',
      'product: account-baseline, portfolio: platform-baseline, provisionName: account-baseline, dependsOn: [cdk-bootstrap], regions: [us-east-1, eu-west-1]',
      'organizationalUnits.Workloads/Dev[0].regions[1]: account-baseline is not offered in eu-west-1: its IAM roles and budget are global to the account, so it has one instance, in the home Region (regions: [us-east-1])',
    ],
  ])('refuses %s, saying where and what to do', (_, fields, message) => {
    const issues = offerIssues({ 'baseline.yaml': appendToBaseline(product(fields)) });
    expect(issues).toEqual([expect.stringContaining(message)]);
  });

  it('leaves products of another portfolio alone; the portfolio is the one the catalog parameters name', () => {
    expect(offerIssues({ 'baseline.yaml': appendToBaseline(product('product: their-guardrails, portfolio: security-team, provisionName: guardrails, regions: [us-east-1, eu-west-1]')) })).toEqual([]);
    const theirs = appendToBaseline(product('product: their-guardrails, portfolio: security-team, provisionName: guardrails, regions: [us-east-1]'));
    expect(offerIssues({ 'baseline.yaml': theirs }, { portfolio: { name: 'security-team' } })).toEqual([expect.stringContaining('product "their-guardrails" is not in the security-team portfolio')]);
  });

  it('refuses a bootstrap product that misses a governed Region (a third Region would never be bootstrapped)', () => {
    const issues = offerIssues({
      'organization.yaml': replaceOnce('regions: [us-east-1, eu-west-1]', 'regions: [us-east-1, eu-west-1, eu-central-1]'),
    });
    expect(issues).toEqual([
      'baseline.yaml: organizationalUnits.default[0].regions: the bootstrap product does not reach the governed Region eu-central-1: the pipeline deploys to every governed Region and needs it bootstrapped (regions: [us-east-1, eu-west-1, eu-central-1])',
    ]);
  });

  it('checks update files too', () => {
    const issues = offerIssues({
      'updates/2026-12-01-guardrails.yaml':
        'products:\n  - { product: prod-guardrails, portfolio: platform-baseline, provisionName: prod-guardrails, regions: [us-east-1], organizationalUnits: [Workloads/Prod] }\n',
    });
    expect(issues).toEqual([expect.stringMatching(/^updates\/2026-12-01-guardrails\.yaml: products\[0\]\.product: product "prod-guardrails" is not in the platform-baseline portfolio/)]);
  });

  it('reaches npm run plan and synth through the planner', () => {
    const dir = configFixture({ 'baseline.yaml': appendToBaseline(product('product: prod-guardrails, portfolio: platform-baseline, provisionName: prod-guardrails, regions: [us-east-1]')) });
    const result = planResult(dir);
    expect(result.plan).toBeUndefined();
    expect(result.issues.map((i) => i.problem)).toEqual(['product "prod-guardrails" is not in the platform-baseline portfolio']);
  });
});
