import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { BundledAppsStack } from '../../stages/bundled-apps/bundled-apps';
import { BundledAppsParameters } from '../../stages/bundled-apps/parameters';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-')));
  return Template.fromStack(new BundledAppsStack(app, 'Bundled', { parameters: BundledAppsParameters.parse(parameters) }));
}

describe('bundled-apps stage', () => {
  const template = synth();

  it('runs the Go function on provided.al2023, arm64, behind GET /hello', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Architectures: ['arm64'], Handler: 'bootstrap', TracingConfig: { Mode: 'Active' } });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes).toEqual([expect.objectContaining({ RouteKey: 'GET /hello', AuthorizationType: 'NONE' })]);
  });

  it('serves the site from a private, KMS-encrypted bucket through CloudFront with OAC, HTTPS redirect and security headers', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('SecurityHeaders') } },
        Logging: { Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('CdnLogs'), 'RegionalDomainName'] } },
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OriginAccessControl'), 'Id'] } })],
      },
    });
    const [headers] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy)).toContain("default-src 'self'");
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true });
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it('lets only this distribution read the bucket', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const cloudFront = policies.filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(cloudFront).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Condition: {
          StringEquals: {
            'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: expect.stringMatching(/Cdn/) }]] },
          },
        },
      }),
    ]);
  });

  it("writes config.json with the API's URL at deploy and invalidates the distribution", () => {
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment')).map((r) => r.Properties);
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    expect(deployment.DistributionPaths).toEqual(['/*']);
    expect(deployment.DistributionId).toEqual({ Ref: expect.stringMatching(/Cdn/) });
    expect(deployment.Prune).toBe(true);
    // The config's value is a deploy-time marker resolved to the API endpoint, never a literal URL.
    expect(JSON.stringify(deployment.SourceMarkers)).toContain('ApiEndpoint');
    const api = Object.entries(template.findResources('AWS::ApiGatewayV2::Api'))[0];
    expect(JSON.stringify(deployment.SourceMarkers)).toContain(api[0]);
  });

  it('allows the site origin by CORS, and takes a custom domain with a us-east-1 certificate', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('Cdn'), 'DomainName'] }]] }] },
    });
    const withDomain = synth({ customDomain: { domainName: 'app.example.com', certificateArn: 'arn:aws:acm:us-east-1:444444444444:certificate/0d5e5a1c-1111-4222-8333-944444444444' } });
    withDomain.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { Aliases: ['app.example.com'], ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' } },
    });
    expect(
      BundledAppsParameters.safeParse({ customDomain: { domainName: 'app.example.com', certificateArn: 'arn:aws:acm:eu-west-1:444444444444:certificate/0d5e5a1c-1111-4222-8333-944444444444' } })
        .success,
    ).toBe(false);
  });
});
