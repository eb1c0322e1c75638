/**
 * The Service Catalog portfolio `platform-baseline` (name from config): baseline products for new
 * accounts, deployed by the baseliner through StackSet constraints, and self-service patterns
 * launched locally in member accounts. Every version is a committed snapshot
 * (`product-stack-snapshots/<product>.<version>.template.json`, written by `npm run
 * catalog:snapshot`): old versions stay provisionable, deprecated ones are marked so, and the current
 * version name is explicit.
 */
import * as path from 'node:path';
import { Aws, Fn, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { OrganizationContext } from '../stages/types';
import { acknowledgeBucketDeploymentHandler } from '../stages/shared/generated';
import { EXECUTION_ROLE_NAME, ProductAssetBucket } from './asset-bucket';
import type { CatalogParameters } from './parameters';
import { AccountBaselineProduct, LAUNCH_ROLE_NAME } from './products/account-baseline';
import { CdkBootstrapProduct, toolkitBootstrapVersion } from './products/cdk-bootstrap';
import { SELF_SERVICE_PRODUCTS } from './products/self-service';
import { ACCOUNT_BASELINE_DEPRECATED, ACCOUNT_BASELINE_VERSION, catalogOffer, SELF_SERVICE_VERSION, type OfferedProduct } from './offer';

/**
 * Templates of released product versions, named <product>.<version>.template.json and committed, so
 * old versions stay provisionable. `npm run catalog:snapshot` writes the current versions; a test
 * fails when a product changed without a new version name. (CDK's ProductStackHistory names its
 * snapshots after construct paths, which differ between organizations, so the names here do not.)
 */
export const SNAPSHOT_DIR = path.join(__dirname, 'product-stack-snapshots');

export function snapshotFile(product: string, version: string): string {
  return path.join(SNAPSHOT_DIR, `${product}.${version}.template.json`);
}
/** Role name pattern of the baseliner's roles (its stack is platform-baseliner). */
export const BASELINER_ROLE_PATTERN = 'platform-baseliner-*';

export interface CatalogStackProps extends StackProps {
  readonly parameters: CatalogParameters;
  readonly organization: OrganizationContext;
}

export class CatalogStack extends Stack {
  readonly portfolio: servicecatalog.Portfolio;
  readonly products: Record<string, servicecatalog.CloudFormationProduct> = {};
  readonly assets: ProductAssetBucket;
  /** The current versions that are snapshotted (the ones without Lambda assets). */
  readonly versioned: Array<{ product: string; version: string; stack: servicecatalog.ProductStack }> = [];

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, { ...props, description: 'catalog: Service Catalog portfolio and products (platform-delivery)' });
    const p = props.parameters;
    const org = props.organization;
    if (!org.organizationId) throw new Error('the catalog needs management.organizationId in organization.yaml');
    this.assets = new ProductAssetBucket(this, 'Assets', { organizationId: org.organizationId });

    this.portfolio = new servicecatalog.Portfolio(this, 'Portfolio', {
      displayName: p.portfolio.name,
      providerName: p.portfolio.provider,
      description: p.portfolio.description,
      tagOptions: new servicecatalog.TagOptions(this, 'TagOptions', { allowedValuesForTags: p.tagOptions }),
    });
    // The baseliner's roles launch baseline products; their names are generated, their stack's is not.
    new servicecatalog.CfnPortfolioPrincipalAssociation(this, 'BaselinerAccess', {
      portfolioId: this.portfolio.portfolioId,
      principalArn: `arn:${Aws.PARTITION}:iam:::role/${BASELINER_ROLE_PATTERN}`,
      principalType: 'IAM_PATTERN',
    });

    // ---------------------------------------------------------------- baseline products (StackSets)
    const bootstrapVersion = `v${toolkitBootstrapVersion()}`;
    const offer = new Map(catalogOffer(p, org, bootstrapVersion).products.map((o) => [o.name, o]));
    const members = org.accounts.filter((a) => a.id !== org.managementAccount).map((a) => a.id);
    const adminRole = iam.Role.fromRoleArn(this, 'StackSetAdmin', `arn:${Aws.PARTITION}:iam::${org.managementAccount}:role/service-role/AWSControlTowerStackSetRole`, { mutable: false });
    const stackSets = (product: OfferedProduct): servicecatalog.StackSetsConstraintOptions => ({
      accounts: members,
      regions: [...product.regions!],
      adminRole,
      executionRoleName: EXECUTION_ROLE_NAME,
      allowStackSetInstanceOperations: true,
    });
    const bootstrapStack = new CdkBootstrapProduct(this, 'CdkBootstrapStack');
    this.versioned.push({ product: 'cdk-bootstrap', version: bootstrapVersion, stack: bootstrapStack });
    const bootstrap = this.product('cdk-bootstrap', 'CDK bootstrap resources that trust the delivery pipeline (the toolkit template)', [current(bootstrapStack, bootstrapVersion)]);
    this.portfolio.deployWithStackSets(bootstrap, stackSets(offer.get('cdk-bootstrap')!));
    // Whatever a user passes, the account must trust the management account (the pipeline's home).
    this.portfolio.constrainCloudFormationParameters(bootstrap, {
      rule: {
        ruleName: 'TrustsThePipeline',
        assertions: [{ assert: Fn.conditionContains(Token.asList(Fn.ref('TrustedAccounts')), org.managementAccount), description: `TrustedAccounts must include ${org.managementAccount}` }],
      },
    });

    const baselineStack = new AccountBaselineProduct(this, 'AccountBaselineStack');
    this.versioned.push({ product: 'account-baseline', version: ACCOUNT_BASELINE_VERSION, stack: baselineStack });
    const baseline = this.product('account-baseline', 'Budget alerts, IAM Access Analyzer, audit and launch roles (home Region)', [
      current(baselineStack, ACCOUNT_BASELINE_VERSION),
      ...ACCOUNT_BASELINE_DEPRECATED.map((d) => released('account-baseline', d.version)),
    ]);
    this.portfolio.deployWithStackSets(baseline, stackSets(offer.get('account-baseline')!));
    ACCOUNT_BASELINE_DEPRECATED.forEach((d) => this.deprecate(baseline, d.version, d.reason));

    // ---------------------------------------------------------------- self-service (launched locally)
    const launchRole = iam.Role.fromRoleName(this, 'LaunchRole', LAUNCH_ROLE_NAME);
    for (const id of p.selfService) {
      const spec = SELF_SERVICE_PRODUCTS[id];
      const stack = spec.create(this, `${toConstructId(id)}Stack`, { assetBucket: this.assets.bucket, assetKey: this.assets.key });
      const product = this.product(id, spec.description, [current(stack, SELF_SERVICE_VERSION)]);
      this.portfolio.setLocalLaunchRole(product, launchRole);
    }

    if (p.share.organization || p.share.organizationalUnitIds.length > 0) this.share(org.organizationId, p);
    acknowledgeBucketDeploymentHandler(this, "it publishes the self-service products' Lambda code to the asset bucket");
    this.acknowledgeSdkCallHandler();
    // The toolkit's template as it ships: what it decides is the CDK team's, and it changes only with the toolkit.
    const toolkitReason =
      "The CDK toolkit's own bootstrap template, included unchanged so that accounts match what `cdk bootstrap` deploys; its choices (optional ECR repository, staging bucket policy, permissions boundary) are the CDK team's, and it changes only with the toolkit version.";
    Validations.of(bootstrapStack).acknowledge(
      ...[
        ...['IAM4', 'IAM5', 'S1', 'S2', 'KMS5'].map((rule) => `AwsSolutions::AwsSolutions-${rule}`),
        ...['F3031', 'W1001', 'W1031', 'W2001', 'W3045'].map((rule) => `CloudFormation-Validate::${rule}`),
        ...[
          'ecr_private_image_scanning_enabled_check',
          'iam_managed_policy_no_statements_with_admin_access_check',
          'iam_managed_policy_no_statements_with_full_access_check',
          'kms_create_grant_aws_service_check',
          'kms_key_rotation_enabled_check',
          's3_bucket_acl_prohibited_check',
          's3_bucket_level_public_access_prohibited_check',
          's3_bucket_logging_enabled_check',
          's3_bucket_object_lock_enabled_check',
          's3_bucket_policy_ssl_requests_only_check',
          's3_event_notifications_enabled_check',
        ].map((rule) => `cdk-validator-cfnguard::${rule}`),
      ].map((id) => ({ id, reason: toolkitReason })),
    );
  }

  /** AwsCustomResource runs one CDK-managed singleton Lambda per stack (portfolio shares, deprecated versions). */
  private acknowledgeSdkCallHandler(): void {
    const handler = this.node.tryFindChild(cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '').replace(/^/, 'AWS'));
    if (!handler) return;
    const why =
      'CDK AwsCustomResource handler (CDK-managed runtime, role and log group): at deploy time only, it shares the portfolio and deprecates released product versions, calling Service Catalog and Organizations.';
    Validations.of(handler).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM4', reason: why },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: why },
      { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: why },
      { id: 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', reason: `${why} Its log group holds call results only.` },
      { id: 'Serverless::Serverless-LambdaDefaultMemorySize', reason: `${why} CDK sizes it; it makes two small SDK calls.` },
      { id: 'Serverless::Serverless-LambdaDLQ', reason: `${why} CloudFormation invokes it synchronously and gets the error.` },
      { id: 'Serverless::Serverless-LambdaTracing', reason: `${why} It runs once per deployment; CloudFormation events and its log group trace it.` },
    );
  }

  private product(name: string, description: string, versions: servicecatalog.CloudFormationProductVersion[]): servicecatalog.CloudFormationProduct {
    const product = new servicecatalog.CloudFormationProduct(this, toConstructId(name), {
      productName: name,
      owner: this.portfolio.node.id,
      description,
      productVersions: versions,
    });
    this.portfolio.addProduct(product);
    this.products[name] = product;
    return product;
  }

  /**
   * Marks a released version DEPRECATED and inactive: kept for the provisioned products that use it
   * (Service Catalog refuses to delete a version in use), but nobody can launch it or update to it.
   * CloudFormation cannot set a version's guidance, so two SDK calls: find the version's id by name,
   * then update it. Both run again when the product is replaced.
   */
  private deprecate(product: servicecatalog.CloudFormationProduct, version: string, reason: string): void {
    const id = `Deprecate${toConstructId(product.node.id)}${version.toUpperCase()}`;
    const policy = cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:UpdateProvisioningArtifact'], resources: [product.productArn] }),
    ]);
    const find: cr.AwsSdkCall = {
      service: 'ServiceCatalog',
      action: 'describeProvisioningArtifact',
      parameters: { ProductId: product.productId, ProvisioningArtifactName: version },
      physicalResourceId: cr.PhysicalResourceId.fromResponse('ProvisioningArtifactDetail.Id'),
      outputPaths: ['ProvisioningArtifactDetail.Id'],
    };
    const lookup = new cr.AwsCustomResource(this, `${id}Lookup`, { onCreate: find, onUpdate: find, installLatestAwsSdk: false, policy });
    const update: cr.AwsSdkCall = {
      service: 'ServiceCatalog',
      action: 'updateProvisioningArtifact',
      parameters: {
        ProductId: product.productId,
        ProvisioningArtifactId: lookup.getResponseField('ProvisioningArtifactDetail.Id'),
        Active: false,
        Guidance: 'DEPRECATED',
        Description: `${version} (deprecated: ${reason})`,
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${version}:deprecated`),
    };
    new cr.AwsCustomResource(this, id, { onCreate: update, onUpdate: update, installLatestAwsSdk: false, policy });
  }

  /** Organization or OU shares: CloudFormation has no resource for them, so the smallest custom resource CDK offers. */
  private share(organizationId: string, p: CatalogParameters): void {
    const nodes = p.share.organizationalUnitIds.length > 0 ? p.share.organizationalUnitIds.map((Value) => ({ Type: 'ORGANIZATIONAL_UNIT', Value })) : [{ Type: 'ORGANIZATION', Value: organizationId }];
    nodes.forEach((node, i) => {
      const call = (action: string): cr.AwsSdkCall => ({
        service: 'ServiceCatalog',
        action,
        parameters: { PortfolioId: this.portfolio.portfolioId, OrganizationNode: node, ...(action === 'createPortfolioShare' ? { ShareTagOptions: true } : {}) },
        physicalResourceId: cr.PhysicalResourceId.of(`${node.Type}:${node.Value}`),
      });
      const share = new cr.AwsCustomResource(this, `Share${i}`, {
        onCreate: call('createPortfolioShare'),
        onDelete: call('deletePortfolioShare'),
        installLatestAwsSdk: false,
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['servicecatalog:CreatePortfolioShare', 'servicecatalog:DeletePortfolioShare'], resources: [this.portfolio.portfolioArn] }),
          // Organization shares check the organization through these calls, which take no resource ARN.
          new iam.PolicyStatement({
            actions: ['organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:ListAWSServiceAccessForOrganization'],
            resources: ['*'],
          }),
        ]),
      });
      Validations.of(share).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'Organizations describe calls take no resource ARN; portfolio share calls are scoped to this portfolio.' });
    });
  }
}

/** The current version of a product: its ProductStack, under an explicit version name. */
function current(productStack: servicecatalog.ProductStack, version: string): servicecatalog.CloudFormationProductVersion {
  return { productVersionName: version, description: `${version} (current)`, cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromProductStack(productStack) };
}

/** An earlier, released version, from its committed snapshot. */
function released(product: string, version: string): servicecatalog.CloudFormationProductVersion {
  return { productVersionName: version, description: `${version} (previous)`, cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromAsset(snapshotFile(product, version)) };
}

function toConstructId(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
