import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { LambdaExtensionsStack } from '../../stages/lambda-extensions/lambda-extensions';
import { appConfigAgentLayers, buildExtension, EXTENSION_NAME } from '../../stages/lambda-extensions/layers';
import { LambdaExtensionsParameters } from '../../stages/lambda-extensions/parameters';
import { STAGE_PATTERNS } from '../../stages';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'extensions-')));
  return Template.fromStack(new LambdaExtensionsStack(app, 'Extensions', { parameters: LambdaExtensionsParameters.parse(parameters) }));
}

describe('lambda-extensions stage', () => {
  const template = synth();
  const id = (type: string) => Object.keys(template.findResources(type))[0];

  it('deploys the hosted LoggingLevel profile {"loglevel": "normal"} to Production, all at once', () => {
    template.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'Production' });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Name: 'LoggingLevel', LocationUri: 'hosted' });
    template.hasResourceProperties('AWS::AppConfig::HostedConfigurationVersion', { Content: '{"loglevel":"normal"}', ContentType: 'application/json' });
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthFactor: 100, DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 0, ReplicateTo: 'NONE' });
    template.hasResourceProperties('AWS::AppConfig::Deployment', {
      EnvironmentId: { Ref: id('AWS::AppConfig::Environment') },
      ConfigurationProfileId: { Ref: id('AWS::AppConfig::ConfigurationProfile') },
      DeploymentStrategyId: { Ref: id('AWS::AppConfig::DeploymentStrategy') },
    });
    expect(synth({ logLevel: 'verbose' }).findResources('AWS::AppConfig::HostedConfigurationVersion')).toEqual({
      [id('AWS::AppConfig::HostedConfigurationVersion')]: expect.objectContaining({ Properties: expect.objectContaining({ Content: '{"loglevel":"verbose"}' }) }),
    });
  });

  it('takes the AppConfig agent layer from a CfnMapping by Region, never one ARN', () => {
    const [mappingId, mapping] = Object.entries(template.toJSON().Mappings as Record<string, Record<string, { arm64: string; x8664: string }>>)[0];
    expect(mapping['us-east-1']).toEqual({
      arm64: 'arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension-Arm64:61',
      x8664: 'arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension:128',
    });
    expect(mapping['eu-west-1'].arm64).toMatch(/^arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:\d+$/);
    expect(Object.keys(mapping).length).toBeGreaterThan(20);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.map((f) => f.Properties.Runtime).sort()).toEqual(['nodejs24.x', 'provided.al2023']);
    for (const fn of functions) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Layers).toEqual([{ 'Fn::FindInMap': [mappingId, { Ref: 'AWS::Region' }, 'arm64'] }, { Ref: id('AWS::Lambda::LayerVersion') }]);
      expect(fn.Properties.Environment.Variables).toMatchObject({
        APPCONFIG_APPLICATION: { Ref: id('AWS::AppConfig::Application') },
        APPCONFIG_ENVIRONMENT: { Ref: id('AWS::AppConfig::Environment') },
        APPCONFIG_PROFILE: { Ref: id('AWS::AppConfig::ConfigurationProfile') },
        LIFECYCLE_LOGGER_EVENTS: 'all',
      });
      expect(fn.Properties.DeadLetterConfig).toBeDefined();
    }
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'] });
  });

  it('lets the functions (the agent runs as them) read that one profile only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const appconfig = statements.filter((s: { Action: string[] }) => [s.Action].flat().some((a) => a.startsWith('appconfig:')));
    expect(appconfig).toHaveLength(2);
    for (const s of appconfig) {
      expect([...s.Action].sort()).toEqual(['appconfig:GetLatestConfiguration', 'appconfig:StartConfigurationSession']);
      expect(JSON.stringify(s.Resource)).toContain(':application/');
      expect(JSON.stringify(s.Resource)).toContain('/configuration/');
    }
  });

  it('alarms on a failed asynchronous invocation', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }], AlarmActions: Match.anyValue() });
  });

  it('packages the extension at extensions/<name>, a static arm64 Linux binary', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-'));
    buildExtension(out);
    const binary = fs.readFileSync(path.join(out, 'extensions', EXTENSION_NAME));
    expect([...binary.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // ELF
    expect(binary.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    expect(fs.statSync(path.join(out, 'extensions', EXTENSION_NAME)).mode & 0o111).not.toBe(0);
  });

  it('goes only to Regions with the agent layer', () => {
    const rule = STAGE_PATTERNS.find((p) => p.id === 'lambda-extensions')!.targetRule!;
    const org = { managementAccount: '111111111111', homeRegion: 'us-east-1', pipelineName: 'p', regions: ['us-east-1'], organizationalUnits: [], accounts: [] };
    expect(rule(LambdaExtensionsParameters.parse({}), { accountName: 'dev', accountId: '444444444444', region: 'eu-west-1' }, org)).toBeUndefined();
    expect(appConfigAgentLayers()['mx-central-1']).toBeUndefined();
    expect(rule(LambdaExtensionsParameters.parse({}), { accountName: 'dev', accountId: '444444444444', region: 'mx-central-1' }, org)?.problem).toBe(
      'aws-cdk-lib knows no AppConfig agent extension layer for arm64 in mx-central-1',
    );
    expect(LambdaExtensionsParameters.safeParse({ lifecycleLogger: 'none' }).success).toBe(false);
  });
});
