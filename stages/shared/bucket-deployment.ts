/**
 * CDK's BucketDeployment (the well-kept way to copy built files into a bucket and invalidate
 * CloudFront on deploy), with its handler brought to our standard: its own role (no managed
 * policy), a KMS-encrypted log group kept a year, active tracing, and the findings CDK's own grants
 * and runtime leave acknowledged with their reasons.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { XRAY_REASON } from './pattern-function';
import { grantAssetKeyDecrypt } from './stackset-assets';

export interface SiteDeploymentProps {
  readonly sources: s3deploy.ISource[];
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly distribution: cloudfront.IDistribution;
  readonly logRetention: logs.RetentionDays;
}

export class SiteDeployment extends Construct {
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: SiteDeploymentProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Copies the built site into its bucket and invalidates CloudFront' });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })); // X-Ray takes no resource ARN
    grantAssetKeyDecrypt(this, role);
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: props.sources,
      destinationBucket: props.bucket,
      distribution: props.distribution,
      distributionPaths: ['/*'],
      prune: true,
      retainOnDelete: true,
      memoryLimit: 256,
      role,
      logGroup,
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: `BucketDeployment's own grants: read of the content-addressed asset objects, read/write/delete under the site bucket (prune removes old files), the site key's data keys (kms:GenerateDataKey*, ReEncrypt*), and CloudFront invalidation. ${XRAY_REASON}`,
    });
    const handler = Stack.of(this)
      .node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))
      .map((c) => c.node.defaultChild)
      .find((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    if (!handler) throw new Error(`${this.node.path}: the BucketDeployment handler was not found; aws-cdk-lib changed how it names it`);
    handler.tracingConfig = { mode: 'Active' };
    const owned = 'Runtime and code are aws-cdk-lib\u2019s BucketDeployment handler; they move with aws-cdk-lib, which this project pins and updates.';
    Validations.of(handler).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-L1', reason: owned },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: owned },
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason: 'A CloudFormation custom resource: CloudFormation invokes it and waits for its answer, and a failure fails (and rolls back) the deployment; there is no asynchronous event to keep.',
      },
      { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: 'Reaches only S3 and CloudFront, regional and global AWS APIs, with IAM auth; runs only during deployments.' },
    );
  }
}
