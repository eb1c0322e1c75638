import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { FakeBotBlockerStack, WAF_LOG_PREFIX } from '../../stages/fake-bot-blocker/fake-bot-blocker';
import { FakeBotBlockerParameters } from '../../stages/fake-bot-blocker/parameters';
import { STAGE_PATTERNS } from '../../stages';

const ALB = 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:loadbalancer/app/shop/50dc6c495c0c9188';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'fakebots-')));
  return Template.fromStack(new FakeBotBlockerStack(app, 'FakeBots', { parameters: FakeBotBlockerParameters.parse(parameters) }));
}

const ref = (template: Template, type: string) => Object.keys(template.findResources(type));

describe('fake-bot-blocker stage', () => {
  const template = synth();

  it('allows by default and blocks a crawler User-Agent (lowercased) from an address in either IP set', () => {
    const [v4, v6] = ['IPV4', 'IPV6'].map((family) => Object.entries(template.findResources('AWS::WAFv2::IPSet')).find(([, r]) => r.Properties.IPAddressVersion === family)![0]);
    const ua = (word: string) => ({
      ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'user-agent' } }, PositionalConstraint: 'CONTAINS', SearchString: word, TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }] },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Name: 'BlockFakeCrawlers',
          Priority: 0,
          Action: { Block: {} },
          Statement: {
            AndStatement: {
              Statements: [
                { OrStatement: { Statements: [ua('google'), ua('bing')] } },
                { OrStatement: { Statements: [{ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [v4, 'Arn'] } } }, { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [v6, 'Arn'] } } }] } },
              ],
            },
          },
        },
        { Name: 'AWSManagedRulesCommonRuleSet', Priority: 1, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } },
      ],
    });
    template.resourcePropertiesCountIs('AWS::WAFv2::IPSet', { Scope: 'CLOUDFRONT', Addresses: [] }, 2);
  });

  it('logs to an aws-waf-logs- Firehose stream through the Go processor into the encrypted bucket, set up by the template', () => {
    const [stream] = ref(template, 'AWS::KinesisFirehose::DeliveryStream');
    const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => r.Properties.Runtime === 'provided.al2023')!;
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: { 'Fn::Join': ['', [WAF_LOG_PREFIX + 'fake-bot-blocker-', Match.anyValue()]] },
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'Lambda', Parameters: Match.arrayWith([{ ParameterName: 'LambdaArn', ParameterValue: { 'Fn::GetAtt': [fn, 'Arn'] } }]) }] },
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
      }),
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [ref(template, 'AWS::WAFv2::WebACL')[0], 'Arn'] },
      LogDestinationConfigs: [{ 'Fn::GetAtt': [stream, 'Arn'] }],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ WAF_SCOPE: 'CLOUDFRONT', VERDICT_TTL_HOURS: '24' }) },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'ip', KeyType: 'HASH' }], TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('lets the processor read and update only its two IP sets, and Firehose only what an S3 delivery needs', () => {
    const sets = ref(template, 'AWS::WAFv2::IPSet');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'], Resource: sets.map((s) => ({ 'Fn::GetAtt': [s, 'Arn'] })) }]) },
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } })] },
    });
  });

  it('alarms on a full or failing IP set, a failing verdict table, processor errors and undelivered logs', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties.FilterPattern);
    expect(filters).toEqual(['{ $.msg = "ip set full" }', '{ $.msg = "ip set update failed" }', '{ ($.msg = "verdict table read failed") || ($.msg = "verdict table write failed") }']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it('adds Bot Control (common level) only when asked, and associates a REGIONAL web ACL with the given resource', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('BotControl');
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    const regional = synth({ scope: 'REGIONAL', botControl: true, protectedResourceArn: ALB });
    regional.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWSManagedRulesBotControlRuleSet',
          Statement: { ManagedRuleGroupStatement: Match.objectLike({ ManagedRuleGroupConfigs: [{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'COMMON' } }] }) },
        }),
      ]),
    });
    regional.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: ALB });
    regional.resourcePropertiesCountIs('AWS::WAFv2::IPSet', { Scope: 'REGIONAL' }, 2);
  });

  it('refuses parameters that cannot work, saying why', () => {
    expect(FakeBotBlockerParameters.safeParse({ protectedResourceArn: ALB }).error?.issues[0].message).toMatch(/CLOUDFRONT web ACL is attached from the distribution/);
    expect(FakeBotBlockerParameters.safeParse({ scope: 'REGIONAL', protectedResourceArn: 'arn:aws:s3:::bucket' }).error?.issues[0].message).toMatch(/Application Load Balancer ARN/);
    expect(FakeBotBlockerParameters.safeParse({ scope: 'GLOBAL' }).success).toBe(false);
    expect(FakeBotBlockerParameters.safeParse({ verdictTtl: 5 }).success).toBe(false);
  });
});

describe('fake-bot-blocker Region rule', () => {
  const rule = STAGE_PATTERNS.find((p) => p.id === 'fake-bot-blocker')!.targetRule!;
  const org = { managementAccount: '111111111111', homeRegion: 'us-east-1', pipelineName: 'p', regions: ['us-east-1', 'eu-west-1'], organizationalUnits: [], accounts: [] };
  const target = (region: string) => ({ accountName: 'dev', accountId: '444444444444', region });

  it('keeps CLOUDFRONT scope in us-east-1', () => {
    expect(rule(FakeBotBlockerParameters.parse({}), target('us-east-1'), org)).toBeUndefined();
    expect(rule(FakeBotBlockerParameters.parse({}), target('eu-west-1'), org)).toEqual({
      problem: 'a CLOUDFRONT-scope web ACL (and the Firehose stream it logs to) can only be created in us-east-1, not eu-west-1',
      fix: "narrow this pattern's regions to [us-east-1], or set scope: REGIONAL to protect an ALB or API stage in eu-west-1",
    });
  });

  it('puts REGIONAL anywhere, with the protected resource in the target account and Region', () => {
    const regional = (arn?: string) => FakeBotBlockerParameters.parse({ scope: 'REGIONAL', protectedResourceArn: arn });
    expect(rule(regional(), target('eu-west-1'), org)).toBeUndefined();
    expect(rule(regional(ALB), target('eu-west-1'), org)).toBeUndefined();
    expect(rule(regional('arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod'), target('eu-west-1'), org)).toBeUndefined();
    expect(rule(regional(ALB), target('us-east-1'), org)?.problem).toBe(`protectedResourceArn ${ALB} is not in the target 444444444444/us-east-1`);
    expect(rule(regional(ALB), { ...target('eu-west-1'), accountId: '555555555555' }, org)?.problem).toMatch(/not in the target 555555555555\/eu-west-1/);
  });
});
