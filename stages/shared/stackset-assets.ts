/**
 * Where the code of StackSet-delivered patterns lives: one bucket per governed Region in the
 * management account (the catalog creates them), readable by the organization's deployers only.
 * The names are conventions shared by the catalog (which creates the buckets), the StackSet
 * synthesizer (which points templates at them) and the pipeline (which publishes into them).
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The role Control Tower's StackSets deploy with in member accounts (the seed post's execution role). */
export const EXECUTION_ROLE_NAME = 'AWSControlTowerExecution';
/** Key prefix of StackSet assets in the regional asset buckets. */
export const STACKSET_ASSET_PREFIX = 'stackset/';
/** Alias of each regional asset bucket's key, so member-account roles can be granted decrypt by alias. */
export const ASSET_KEY_ALIAS = 'alias/platform-catalog-assets';
/** The CDK bootstrap qualifier this project deploys with (the default). */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';

export function assetBucketName(account: string, region: string): string {
  return `platform-catalog-assets-${account}-${region}`;
}

/** The CDK bootstrap role that publishes file assets in an account and Region; it uploads StackSet assets too. */
export function filePublishingRoleName(account: string, region: string): string {
  return `cdk-${BOOTSTRAP_QUALIFIER}-file-publishing-role-${account}-${region}`;
}

/**
 * Roles that may read the assets: Control Tower's execution role, the StackSets service's execution
 * roles, Service Catalog launch stacks, and roles that StackSet instances create (their stack names,
 * and so their generated role names, start with `StackSet-`), such as a Glue job reading its script.
 */
export function assetReaderArns(): string[] {
  return [EXECUTION_ROLE_NAME, 'stacksets-exec-*', 'SC-*', 'StackSet-*'].map((name) => `arn:${Aws.PARTITION}:iam::*:role/${name}`);
}

/** Implemented by the synthesizer of StackSet templates: where their assets are read from. */
export interface StackSetAssetSource {
  readonly assetAccount: string;
}

export function stackSetAssetSource(scope: Construct): StackSetAssetSource | undefined {
  const synthesizer = Stack.of(scope).synthesizer as Partial<StackSetAssetSource>;
  return typeof synthesizer.assetAccount === 'string' ? (synthesizer as StackSetAssetSource) : undefined;
}

/**
 * Lets a role of the pattern read a file asset at run time (a Glue job its script). In StackSet
 * mode the object lives in the management account's asset bucket under that bucket's key, so the
 * role also needs kms:Decrypt on that key, which it reaches by alias.
 */
export function grantAssetRead(scope: Construct, grantee: IGrantable, asset: { s3BucketName: string; s3ObjectKey: string }): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`] }));
  grantAssetKeyDecrypt(scope, grantee);
}

/**
 * In StackSet mode, lets a role decrypt what it reads from the management account's asset bucket
 * (the bucket's key, reached by alias, through S3 only). Nothing in CDK Stage mode.
 */
export function grantAssetKeyDecrypt(scope: Construct, grantee: IGrantable): void {
  const source = stackSetAssetSource(scope);
  if (!source) return;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      // The key id is random per Region; the alias names the one key, and S3 is the only way in.
      resources: [`arn:${Aws.PARTITION}:kms:${Aws.REGION}:${source.assetAccount}:key/*`],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ASSET_KEY_ALIAS }, StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
  );
  if (Construct.isConstruct(grantee.grantPrincipal))
    Validations.of(grantee.grantPrincipal).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:${source.assetAccount}:key/*]`,
      reason: `The asset bucket's key in ${source.assetAccount}, whose id differs per Region: held to the alias ${ASSET_KEY_ALIAS} and to use through S3.`,
    });
}
