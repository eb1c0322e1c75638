import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { IMAGE_TYPES, Settings } from '../../functions/image-optimizer/shared/settings';
import { imageSettings, ImageOptimizerStack } from '../../stages/image-optimizer/image-optimizer';
import { IMAGE_CONTENT_TYPES, ImageOptimizerParameters } from '../../stages/image-optimizer/parameters';

function synth(parameters: Record<string, unknown> = {}, bundle = false): { template: Template; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-'));
  const app = newApp(bundle ? { guards: false } : { 'aws:cdk:bundling-stacks': [], guards: false }, outdir);
  const stack = new ImageOptimizerStack(app, 'Images', { parameters: ImageOptimizerParameters.parse(parameters) });
  const template = Template.fromStack(stack);
  return { template, outdir };
}

const statementsOf = (template: Template, rolePrefix: RegExp) => {
  const [role] = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => rolePrefix.test(id));
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
};
const bucketId = (template: Template, prefix: string) => Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith(prefix))!;

describe('image-optimizer stage', () => {
  const { template } = synth();

  it('sends uploads under uploads/ of the upload bucket, and only those, through EventBridge to the queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: bucketId(template, 'OptimizerUploads') }] }, object: { key: [{ prefix: 'uploads/' }] } },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('UploadEvents'), 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('UploadEventsDlq'), 'Arn'] } } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 3 }, VisibilityTimeout: 360 });
  });

  it('cannot loop: the resizer reads only uploads/ and writes only images/ of the other bucket, and no rule listens to that bucket', () => {
    const uploads = bucketId(template, 'OptimizerUploads');
    const renditions = bucketId(template, 'OptimizerRenditions');
    expect(statementsOf(template, /^OptimizerResizerRole/)).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [uploads, 'Arn'] }, '/uploads/*']] } }),
      expect.objectContaining({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [renditions, 'Arn'] }, '/images/*']] } }),
    ]);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0].Properties.EventPattern)).not.toContain(renditions);
    expect(statementsOf(template, /^OptimizerPresignRole/)).toEqual([
      expect.objectContaining({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [uploads, 'Arn'] }, '/uploads/*']] } }),
    ]);
  });

  it('runs the resizer on arm64 with the chosen memory, and expires originals after 30 days', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('resizes'), Architectures: ['arm64'], MemorySize: 1024, Timeout: 60 });
    const uploads = template.findResources('AWS::S3::Bucket')[bucketId(template, 'OptimizerUploads')];
    expect(uploads.Properties.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([{ Id: 'expire-originals', Prefix: 'uploads/', ExpirationInDays: 30, Status: 'Enabled' }]));
  });

  it('keeps both buckets private (no ACLs, public access blocked) and serves renditions through CloudFront with OAC', () => {
    for (const prefix of ['OptimizerUploads', 'OptimizerRenditions']) {
      const bucket = template.findResources('AWS::S3::Bucket')[bucketId(template, prefix)].Properties;
      expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [Match.objectLike({ DomainName: { 'Fn::GetAtt': [bucketId(template, 'OptimizerRenditions'), 'RegionalDomainName'] }, OriginAccessControlId: Match.anyValue() })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      },
    });
  });

  it('signs uploads behind an IAM-authorized POST /uploads', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes).toEqual([expect.objectContaining({ RouteKey: 'POST /uploads', AuthorizationType: 'AWS_IAM' })]);
  });

  it('alarms on both dead-letter queues', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]);
    expect(alarms.sort()).toEqual([expect.stringMatching(/^OptimizerResizerDlq/), expect.stringMatching(/^OptimizerUploadEventsDlq/)].sort());
  });

  it('passes settings the functions accept, with the same content types', () => {
    expect([...IMAGE_CONTENT_TYPES].sort()).toEqual(Object.keys(IMAGE_TYPES).sort());
    const settings = imageSettings(ImageOptimizerParameters.parse({ sizes: [{ name: 'thumb', width: 150 }], maxUploadMegabytes: 5 }));
    expect(Settings.parse(settings)).toMatchObject({ sizes: [{ name: 'thumb', width: 150 }], maxUploadBytes: 5 * 1024 * 1024 });
    expect(ImageOptimizerParameters.safeParse({ sizes: [] }).success).toBe(false);
    expect(ImageOptimizerParameters.safeParse({ allowedContentTypes: ['image/gif'] }).success).toBe(false);
  });
});

it('bundles sharp with its linux-arm64 binaries, and no x64 ones, beside the resizer', () => {
  const { outdir } = synth({}, true);
  const withNative = fs.readdirSync(outdir).filter((d) => d.startsWith('asset.') && fs.existsSync(path.join(outdir, d, 'node_modules')));
  expect(withNative).toHaveLength(1); // the resizer's; the presign function bundles everything
  const assetDir = path.join(outdir, withNative[0]);
  const img = fs.readdirSync(path.join(assetDir, 'node_modules', '@img'));
  expect(img).toEqual(expect.arrayContaining(['sharp-linux-arm64', 'sharp-libvips-linux-arm64']));
  expect(img.filter((d) => d.includes('x64'))).toEqual([]);
  expect(fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8')).toContain('require("sharp")');
});
