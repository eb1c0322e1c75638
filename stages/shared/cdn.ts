/**
 * A private S3 bucket served through CloudFront with Origin Access Control: HTTPS only (HTTP
 * redirects), security headers on every response, access logs, and an optional custom domain with
 * its ACM certificate (TLS 1.2 minimum, SNI). Shared by the patterns that serve files.
 */
import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { z } from 'zod';
import { sendEventsToEventBridge } from './buckets';

export const CustomDomain = z
  .strictObject({
    domainName: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'a lowercase DNS name such as images.example.com' }),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, { error: 'an ACM certificate ARN in us-east-1 (CloudFront takes certificates from us-east-1 only)' }),
  })
  .optional()
  .describe('Serve on your own name with your ACM certificate (us-east-1). Absent: the *.cloudfront.net name and certificate.');

export interface PrivateDistributionProps {
  readonly bucket: s3.IBucket;
  readonly description: string;
  /** The object for `/`; absent for a bucket of files only. */
  readonly defaultRootObject?: string;
  /** Content-Security-Policy for every response (absent: CloudFront's managed security headers). */
  readonly contentSecurityPolicy?: string;
  readonly customDomain?: z.output<typeof CustomDomain>;
}

const DEFAULT_CERTIFICATE_REASON =
  'No customDomain parameter was given, so CloudFront serves its *.cloudfront.net name with its own certificate; set customDomain (an ACM certificate in us-east-1) for a custom certificate with TLS 1.2 and SNI.';

/** A private bucket's files through CloudFront; the distribution's access logs go to a bucket of its own. */
export class PrivateDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: PrivateDistributionProps) {
    super(scope, id);
    const responseHeadersPolicy = props.contentSecurityPolicy
      ? new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
          comment: `${props.description}: security headers`,
          securityHeadersBehavior: {
            contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy, override: true },
            strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: true, override: true },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
            referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
          },
        })
      : cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS;
    const domain = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: props.description,
      defaultRootObject: props.defaultRootObject ?? '',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(props.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: cloudFrontLogsBucket(this, 'Logs'),
      domainNames: domain ? [domain.domainName] : undefined,
      certificate: domain ? acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn) : undefined,
      minimumProtocolVersion: domain ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: domain ? cloudfront.SSLMethod.SNI : undefined,
    });
    if (!props.defaultRootObject) {
      // A bucket of files has no index; `/` answers 403 from S3, which OAC keeps private.
      (this.distribution.node.defaultChild as cloudfront.CfnDistribution).addPropertyDeletionOverride('DistributionConfig.DefaultRootObject');
    }
    const acknowledgements: Array<{ id: string; reason: string }> = [
      {
        id: 'cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check',
        reason: 'One origin: the bucket in this Region. A failover origin would need a replicated bucket in a second Region per account, doubling storage for files this pattern can rebuild.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'The content is public by design (a website, image renditions); no country needs excluding. Add a geo restriction in front if your content requires one.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason: 'Static files from a private bucket behind OAC, no application logic at the edge; attach a web ACL (webAclId) when the account runs one in us-east-1.',
      },
    ];
    if (!props.defaultRootObject) {
      acknowledgements.push({
        id: 'cdk-validator-cfnguard::cloudfront_default_root_object_configured_check',
        reason: 'A bucket of generated files with no index page; a request for / is refused by the private origin.',
      });
    }
    if (!domain) {
      acknowledgements.push(
        { id: 'cdk-validator-cfnguard::cloudfront_custom_ssl_certificate_check', reason: DEFAULT_CERTIFICATE_REASON },
        { id: 'cdk-validator-cfnguard::cloudfront_sni_enabled_check', reason: DEFAULT_CERTIFICATE_REASON },
        { id: 'cdk-validator-cfnguard::cloudfront_security_policy_check', reason: DEFAULT_CERTIFICATE_REASON },
        { id: 'AwsSolutions::AwsSolutions-CFR4', reason: DEFAULT_CERTIFICATE_REASON },
      );
    }
    Validations.of(this).acknowledge(...acknowledgements);
    // CDK puts this warning on the scope that owns the bucket's key.
    const keyScope = props.bucket.encryptionKey?.node.scope;
    if (keyScope) {
      Validations.of(keyScope).acknowledge({
        id: 'Annotation::@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
        reason: 'The key policy lets CloudFront distributions of this account decrypt through S3 only; the bucket policy names this one distribution, so no other distribution can read the objects.',
      });
    }
    new CfnOutput(this, 'Url', { value: this.url, description: `${props.description}: URL` });
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/**
 * The bucket CloudFront writes standard access logs to. CloudFront delivers them with an ACL, so
 * this bucket alone keeps ACLs enabled (bucket owner preferred) and uses SSE-S3.
 */
function cloudFrontLogsBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectLockEnabled: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  sendEventsToEventBridge(bucket);
  Validations.of(bucket).acknowledge(
    { id: 'AwsSolutions::AwsSolutions-S1', reason: 'This is the access-log target bucket; logging it into itself would loop.' },
    { id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason: 'This is the access-log target bucket; logging it into itself would loop.' },
    { id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', reason: 'CloudFront standard log delivery writes to SSE-S3 buckets.' },
  );
  return bucket;
}
