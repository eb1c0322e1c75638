import { Aws, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogsBucket, sendEventsToEventBridge } from '../stages/shared/buckets';
import { patternKey } from '../stages/shared/pattern-key';
import { ASSET_KEY_ALIAS, assetBucketName, assetReaderArns, filePublishingRoleName, STACKSET_ASSET_PREFIX } from '../stages/shared/stackset-assets';

export { EXECUTION_ROLE_NAME } from '../stages/shared/stackset-assets';

/**
 * Where product assets and the code of StackSet-delivered patterns live in one Region: readable
 * only by principals of this organization acting through the StackSet execution roles, a
 * CloudFormation-launched product or a role a StackSet instance created, encrypted with a key the
 * same principals may decrypt with, TLS only, versioned. The pipeline publishes StackSet assets
 * under `stackset/` through this account's CDK file-publishing role of the Region.
 */
export class ProductAssetBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { organizationId: string }) {
    super(scope, id);
    this.key = patternKey(this, 'Key', 'catalog: product assets');
    const stack = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      // A physical name (ProductStack assets need one), the same scheme in every Region.
      bucketName: assetBucketName(stack.account, stack.region),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogsBucket(this, 'AccessLogs'),
      serverAccessLogsPrefix: 'assets/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    sendEventsToEventBridge(this.bucket);
    this.key.addAlias(ASSET_KEY_ALIAS);
    const inOrganization = { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } };
    const deployers = assetReaderArns();
    const publisher = new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${filePublishingRoleName(Aws.ACCOUNT_ID, Aws.REGION)}`);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PipelinePublishesStackSetAssets',
        principals: [publisher],
        actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${STACKSET_ASSET_PREFIX}*`)],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PipelineChecksTheBucket',
        principals: [publisher],
        // cdk-assets looks for the object and reads the bucket's location and default encryption first.
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetEncryptionConfiguration'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PipelineEncryptsStackSetAssets',
        principals: [publisher],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationDeployersRead',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ...inOrganization, ArnLike: { 'aws:PrincipalArn': deployers } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationDeployersDecrypt',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { ...inOrganization, StringEquals: { ...inOrganization.StringEquals, 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` }, ArnLike: { 'aws:PrincipalArn': deployers } },
      }),
    );
  }
}

/** The asset bucket of a governed Region other than the home Region. */
export class ProductAssetsStack extends Stack {
  readonly assets: ProductAssetBucket;
  constructor(scope: Construct, id: string, props: StackProps & { organizationId: string }) {
    super(scope, id, { ...props, description: 'catalog: product asset bucket of this Region (platform-delivery)' });
    this.assets = new ProductAssetBucket(this, 'Assets', { organizationId: props.organizationId });
  }
}
