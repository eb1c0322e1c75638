import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { ServerSideEncryption } from 'aws-cdk-lib/aws-s3-deployment';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import type { Construct } from 'constructs';
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivatelinkLambdaParameters } from '../../stages/privatelink-lambda/parameters';
import { PrivatelinkLambda } from '../../stages/privatelink-lambda/privatelink-lambda';
import { deployTimeAvailabilityZones } from '../../stages/shared/network';
import { SnsFifoJobsParameters } from '../../stages/sns-fifo-jobs/parameters';
import { SnsFifoJobs } from '../../stages/sns-fifo-jobs/sns-fifo-jobs';
import type { SELF_SERVICE_PATTERNS } from '../parameters';
import { LAUNCHED_ROLE_BOUNDARY_NAME } from './account-baseline';

export interface SelfServiceProductProps {
  readonly assetBucket: s3.IBucket;
  readonly assetKey: kms.IKey;
}

/**
 * A ProductStack whose Lambda code is published to the catalog's asset bucket. Every role in it
 * carries the launched-role boundary that account-baseline creates: the launch role may create
 * roles only with it.
 */
abstract class AssetProductStack extends servicecatalog.ProductStack {
  constructor(scope: Construct, id: string, props: SelfServiceProductProps & { description: string }) {
    super(scope, id, {
      description: props.description,
      assetBucket: props.assetBucket,
      serverSideEncryption: ServerSideEncryption.AWS_KMS,
      serverSideEncryptionAwsKmsKeyId: props.assetKey.keyId,
    });
    // The launching account's policy: a product stack inherits the catalog's account, so name it by pseudo parameters.
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(this, 'LaunchedRoleBoundary', `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:policy/${LAUNCHED_ROLE_BOUNDARY_NAME}`);
    iam.PermissionsBoundary.of(this).apply(boundary);
  }
}

/** sns-fifo-jobs, built from the same construct as its pipeline stage, with default parameters. */
export class SnsFifoJobsProduct extends AssetProductStack {
  constructor(scope: Construct, id: string, props: SelfServiceProductProps) {
    super(scope, id, { ...props, description: 'sns-fifo-jobs: event-driven jobs on SNS FIFO (self-service)' });
    new SnsFifoJobs(this, 'Jobs', { parameters: SnsFifoJobsParameters.parse({}) });
  }
}

/** privatelink-lambda, built from the same construct as its pipeline stage, with default parameters. */
export class PrivatelinkLambdaProduct extends AssetProductStack {
  constructor(scope: Construct, id: string, props: SelfServiceProductProps) {
    super(scope, id, { ...props, description: 'privatelink-lambda: Lambda through an interface VPC endpoint (self-service)' });
    new PrivatelinkLambda(this, 'Pattern', { parameters: PrivatelinkLambdaParameters.parse({}) });
  }

  /** The same deploy-time choice as the pipeline stage: a product launches in any Region. */
  get availabilityZones(): string[] {
    return deployTimeAvailabilityZones(PrivatelinkLambdaParameters.parse({}).availabilityZones);
  }
}

export const SELF_SERVICE_PRODUCTS: Record<
  (typeof SELF_SERVICE_PATTERNS)[number],
  { description: string; create: (scope: Construct, id: string, props: SelfServiceProductProps) => servicecatalog.ProductStack }
> = {
  'sns-fifo-jobs': { description: 'Event-driven jobs on SNS FIFO: publisher, ordered consumers to S3 and DynamoDB, DLQs', create: (scope, id, props) => new SnsFifoJobsProduct(scope, id, props) },
  'privatelink-lambda': {
    description: 'A function reachable only through a Lambda interface endpoint in an isolated VPC',
    create: (scope, id, props) => new PrivatelinkLambdaProduct(scope, id, props),
  },
};
