import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { ANOMALY_RULE_SQL as PARSED_RULE_SQL, ANOMALY_RULE_SQL_VERSION } from '../../functions/iot-itsm/incident/anomaly';
import { ANOMALY_TOPIC, IotItsmStack, SENSOR_TOPIC } from '../../stages/iot-itsm/iot-itsm';
import { IotItsmParameters } from '../../stages/iot-itsm/parameters';
import { STAGE_PATTERNS } from '../../stages';
import { evaluate, stackIdentity } from '../support/intrinsics';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:servicenow-AbCdEf';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'iot-itsm-')));
  return Template.fromStack(new IotItsmStack(app, 'IotItsm', { parameters: IotItsmParameters.parse(parameters) }));
}

const only = (template: Template, type: string): [string, { Properties: Record<string, any> }] => {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, any> }];
};
/** The recipe as CloudFormation hands it to Greengrass (the asset bucket's name is built from pseudo parameters). */
const recipeOf = (template: Template) =>
  JSON.parse(evaluate(only(template, 'AWS::GreengrassV2::ComponentVersion')[1].Properties.InlineRecipe, stackIdentity('IotItsm', '0a1b2c3d-0000-4000-8000-000000000000')) as string) as Record<
    string,
    any
  >;

describe('iot-itsm stage', () => {
  const template = synth();

  it('routes IoTBlog/anomaly through the rule the incident function parses, with an error queue', () => {
    const [fnId] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => String(r.Properties.Description).startsWith('iot-itsm: opens'))!;
    const [, rule] = only(template, 'AWS::IoT::TopicRule');
    expect(rule.Properties.TopicRulePayload).toMatchObject({
      Sql: PARSED_RULE_SQL,
      AwsIotSqlVersion: ANOMALY_RULE_SQL_VERSION,
      RuleDisabled: false,
      Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } } }],
      ErrorAction: { Sqs: { QueueUrl: { Ref: expect.stringMatching(/RuleErrors/) }, RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/RuleErrorActionRole/), 'Arn'] }, UseBase64: false } },
    });
    // Only this rule of this account may invoke the function: SourceArn names the rule by its name.
    const [, permission] = only(template, 'AWS::Lambda::Permission');
    expect(permission.Properties).toMatchObject({ Principal: 'iot.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(permission.Properties.SourceArn)).toContain(':rule/iot_itsm_anomalies_');
    expect(JSON.stringify(permission.Properties.SourceArn)).toContain(JSON.stringify(rule.Properties.RuleName['Fn::Join'][1][1]));
    // The error action may send to its queue and nothing else.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('RuleErrorActionRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('RuleErrors'), 'Arn'] } }]) },
    });
  });

  it('gives the incident function a dead-letter queue, the dedupe table and the secret it reads', () => {
    const [, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => String(r.Properties.Description).startsWith('iot-itsm: opens'))!;
    expect(fn.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toMatch(/FailedIncidents/);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DEDUPE_WINDOW_MINUTES: '15',
      DEDUPE_TABLE: { Ref: expect.stringMatching(/Dedupe/) },
      SERVICENOW_SECRET_ARN: { Ref: expect.stringMatching(/ServiceNowSecret/) },
    });
    // Powertools idempotency's layout: key "id", expiry "expiration".
    template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true } });
    const secret = only(template, 'AWS::SecretsManager::Secret')[1];
    expect(JSON.parse(secret.Properties.GenerateSecretString.SecretStringTemplate)).toEqual({ instanceUrl: 'https://your-instance.service-now.com', username: 'iot-itsm' });
    // A given secret is read, not created.
    const given = synth({ servicenowSecretArn: SECRET });
    given.resourceCountIs('AWS::SecretsManager::Secret', 0);
    given.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: SECRET }]) } });
  });

  it('scopes the thing policy to its own client id and the two topics', () => {
    const [, policy] = only(template, 'AWS::IoT::Policy');
    const statements = policy.Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown }[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(JSON.stringify(bySid.ConnectAsItself.Resource)).toContain(':client/${iot:Connection.Thing.ThingName}');
    expect(bySid.ConnectAsItself.Action).toBe('iot:Connect');
    const published = (bySid.PublishReadingsAndAnomalies.Resource as unknown[]).map((r) => JSON.stringify(r));
    expect(published).toHaveLength(2);
    expect(published[0]).toContain(`:topic/${SENSOR_TOPIC}`);
    expect(published[1]).toContain(`:topic/${ANOMALY_TOPIC}`);
    // No wildcard actions, and the only other topics are the device's own $aws/things/<name>/ ones.
    for (const s of statements) for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
    for (const sid of ['OwnGreengrassTopics', 'OwnGreengrassSubscriptions']) expect(JSON.stringify(bySid[sid].Resource)).toContain('$aws/things/${iot:Connection.Thing.ThingName}/*');
    expect(only(template, 'AWS::IoT::Thing')[1].Properties.ThingName).toBe('iot-itsm-core');
  });

  it('ships the threshold logic as a Greengrass V2 component: artifact from an asset, IPC publish to the two topics only', () => {
    const recipe = recipeOf(template);
    expect(recipe).toMatchObject({ RecipeFormatVersion: '2020-01-25', ComponentName: 'platform.iotitsm.Threshold.iot-itsm-core', ComponentVersion: expect.stringMatching(/^1\.0\.\d+$/) });
    const configuration = recipe.ComponentConfiguration.DefaultConfiguration;
    expect(configuration).toMatchObject({ TemperatureLimit: 30, HumidityLimit: 50, IntervalSeconds: 5, Readings: 0 });
    expect(Object.values(configuration.accessControl['aws.greengrass.ipc.mqttproxy'])).toEqual([
      { policyDescription: expect.any(String), operations: ['aws.greengrass#PublishToIoTCore'], resources: [SENSOR_TOPIC, ANOMALY_TOPIC] },
    ]);
    const [manifest] = recipe.Manifests;
    const [artifact] = manifest.Artifacts;
    expect(artifact).toMatchObject({ URI: expect.stringMatching(/^s3:\/\/.+\/([0-9a-f]{64})\.zip$/), Unarchive: 'ZIP' });
    const hash = /\/([0-9a-f]{64})\.zip$/.exec(artifact.URI)![1];
    expect(manifest.Lifecycle.Run).toBe(
      `python3 -u {artifacts:decompressedPath}/${hash}/main.py '{"TemperatureLimit": {configuration:/TemperatureLimit}, "HumidityLimit": {configuration:/HumidityLimit}, "IntervalSeconds": {configuration:/IntervalSeconds}, "Readings": {configuration:/Readings}}'`,
    );
    // The Python component publishes to the topics the recipe allows and the rule reads.
    const python = fs.readFileSync(path.join(__dirname, '..', '..', 'functions', 'iot-itsm', 'threshold-component', 'threshold.py'), 'utf8');
    expect(python).toContain(`SENSOR_TOPIC = "${SENSOR_TOPIC}"`);
    expect(python).toContain(`ANOMALY_TOPIC = "${ANOMALY_TOPIC}"`);
    // The device downloads the artifact with its token exchange role: that object, nothing more.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'credentials.iot.amazonaws.com' } }] },
    });
    template.hasResourceProperties('AWS::IoT::RoleAlias', { RoleAlias: 'iot-itsm-iot-itsm-core-tes', CredentialDurationSeconds: 3600 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('TokenExchangeRole') }],
      PolicyDocument: { Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', Match.arrayWith([`/${hash}.zip`])] } }] },
    });
    // ... and is deployed to the core device by the template.
    template.hasResourceProperties('AWS::GreengrassV2::Deployment', {
      TargetArn: { 'Fn::Join': ['', Match.arrayWith([':thing/iot-itsm-core'])] },
      Components: { 'platform.iotitsm.Threshold.iot-itsm-core': { ComponentVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('ThresholdComponent'), 'ComponentVersion'] } } },
    });
  });

  it('makes a changed limit a new component version, and an unchanged stack the same one', () => {
    const version = (t: Template) => recipeOf(t).ComponentVersion as string;
    expect(version(synth())).toBe(version(template));
    const stricter = synth({ temperatureLimit: 28 });
    expect(version(stricter)).not.toBe(version(template));
    expect(recipeOf(stricter).ComponentConfiguration.DefaultConfiguration.TemperatureLimit).toBe(28);
  });

  it('refuses parameters that would break the component or the dedupe key', () => {
    expect(IotItsmParameters.safeParse({ thingName: 'plant:7' }).error?.issues[0].message).toContain('an IoT thing name');
    expect(IotItsmParameters.safeParse({ humidityLimit: 120 }).success).toBe(false);
    expect(IotItsmParameters.safeParse({ dedupeWindowMinutes: 0 }).success).toBe(false);
    expect(IotItsmParameters.safeParse({ servicenowSecretArn: 'servicenow' }).error?.issues[0].message).toBe('a Secrets Manager secret ARN');
    expect(IotItsmParameters.safeParse({ serviceNowUrl: 'https://x' }).success).toBe(false);
  });
});

describe('iot-itsm Region rule', () => {
  const rule = STAGE_PATTERNS.find((p) => p.id === 'iot-itsm')!.targetRule!;
  const org = { managementAccount: '111111111111', homeRegion: 'us-east-1', pipelineName: 'p', regions: ['us-east-1', 'eu-west-1', 'sa-east-1'], organizationalUnits: [], accounts: [] };
  const target = (region: string) => ({ accountName: 'dev', accountId: '444444444444', region });

  it('deploys only where Greengrass V2 is offered', () => {
    expect(rule(IotItsmParameters.parse({}), target('us-east-1'), org)).toBeUndefined();
    expect(rule(IotItsmParameters.parse({}), target('eu-west-1'), org)).toBeUndefined();
    expect(rule(IotItsmParameters.parse({}), target('sa-east-1'), org)).toMatchObject({ problem: 'AWS IoT Greengrass V2 is not offered in sa-east-1' });
  });

  it('keeps a given secret in the target account and Region', () => {
    expect(rule(IotItsmParameters.parse({ servicenowSecretArn: SECRET }), target('eu-west-1'), org)).toBeUndefined();
    expect(rule(IotItsmParameters.parse({ servicenowSecretArn: SECRET }), target('us-east-1'), org)).toMatchObject({
      problem: `servicenowSecretArn ${SECRET} is in 444444444444/eu-west-1, not the target 444444444444/us-east-1`,
    });
  });
});
