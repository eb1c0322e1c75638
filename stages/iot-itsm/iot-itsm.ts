import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as greengrassv2 from 'aws-cdk-lib/aws-greengrassv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmAtOne, alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { stackIdSuffix } from '../shared/names';
import { PatternFunction, REPO_ROOT } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { grantAssetRead } from '../shared/stackset-assets';
import { dataTable } from '../shared/tables';
import type { IotItsmParameters } from './parameters';

export const SENSOR_TOPIC = 'IoTBlog/sensorData';
export const ANOMALY_TOPIC = 'IoTBlog/anomaly';
/** The topic rule's query (functions/iot-itsm/incident/anomaly.ts parses what it selects). */
export const ANOMALY_RULE_SQL = `SELECT *, topic() AS topic FROM '${ANOMALY_TOPIC}'`;
/** The Python version and the awsiotsdk the component installs on the core device. */
const AWS_IOT_SDK = 'awsiotsdk==1.31.0';

/**
 * IoT anomalies to ServiceNow incidents: a Greengrass V2 component on the core device checks each
 * reading against the limits and publishes readings and anomalies to AWS IoT Core; a topic rule
 * hands anomalies to the incident function, which opens one ServiceNow incident per device and window.
 */
export class IotItsm extends Construct {
  readonly incident: lambda.Function;
  readonly component: greengrassv2.CfnComponentVersion;
  readonly rule: iot.CfnTopicRule;
  readonly componentName: string;

  constructor(scope: Construct, id: string, props: { parameters: IotItsmParameters }) {
    super(scope, id);
    const p = props.parameters;
    const stack = Stack.of(this);
    const key = patternKey(this, 'Key', 'iot-itsm: secret, dedupe table, queues and logs');
    const alarms = notificationTopic(this, 'Alarms', key, 'iot-itsm alarms', p.notifyEmail);

    // The cloud side: rule → function → ServiceNow, with a queue at each asynchronous hop.
    const secret = p.servicenowSecretArn ? secretsmanager.Secret.fromSecretCompleteArn(this, 'ServiceNowSecret', p.servicenowSecretArn) : this.newServiceNowSecret(key);
    const dedupe = dataTable(this, 'Dedupe', { partitionKey: 'id', key, timeToLiveAttribute: 'expiration' });
    const failedInvocations = deadLetterQueue(this, 'FailedIncidents', key, 'the incident function (anomalies it could not turn into an incident after its retries)');
    alarmOnWaitingMessages(
      this,
      'FailedIncidentsWaiting',
      failedInvocations,
      alarms,
      'iot-itsm: an anomaly could not be turned into a ServiceNow incident (see the dead-letter queue and the function logs)',
    );
    const incident = new PatternFunction(this, 'Incident', {
      entry: 'iot-itsm/incident/index.ts',
      description: 'iot-itsm: opens one ServiceNow incident per device and reading window from IoTBlog/anomaly',
      key,
      logRetention: p.logRetentionDays,
      deadLetterQueue: failedInvocations,
      memorySize: 256,
      // Four attempts of at most 10 s each, with back-off between them.
      timeout: Duration.seconds(60),
      environment: { DEDUPE_TABLE: dedupe.tableName, DEDUPE_WINDOW_MINUTES: String(p.dedupeWindowMinutes), SERVICENOW_SECRET_ARN: secret.secretArn, POWERTOOLS_SERVICE_NAME: 'iot-itsm-incident' },
      noVpcReason: 'Calls the ServiceNow instance on the internet: in a VPC it would need a NAT gateway in every account and Region.',
    });
    this.incident = incident.fn;
    incident.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    incident.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [dedupe.tableArn] }));
    key.grant(incident.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    alarmAtOne(
      this,
      'IncidentErrors',
      incident.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      alarms,
      'iot-itsm: the incident function failed (ServiceNow unreachable, refused or the secret unset); Lambda retries, then the dead-letter queue',
    );

    const ruleName = `iot_itsm_anomalies_${stackIdSuffix()}`;
    const ruleArn = `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${ruleName}`;
    const permission = new lambda.CfnPermission(this, 'RuleMayInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: incident.fn.functionArn,
      principal: 'iot.amazonaws.com',
      sourceArn: ruleArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });
    Validations.of(permission).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason: "Scoped: SourceAccount is this account and SourceArn this stack's topic rule, both built from pseudo parameters (Ref, Fn::Join), which the rule reads as not strings.",
    });
    const ruleErrors = deadLetterQueue(this, 'RuleErrors', key, "the anomaly topic rule (messages IoT Core could not hand to the function; the error action's document holds the payload)");
    alarmOnWaitingMessages(this, 'RuleErrorsWaiting', ruleErrors, alarms, 'iot-itsm: IoT Core could not invoke the incident function for an anomaly (see the rule-errors queue)');
    const errorActionRole = new iam.Role(this, 'RuleErrorActionRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': ruleArn } } }),
      description: 'iot-itsm: the anomaly rule sends what it could not deliver to its error queue',
    });
    // Not grantSendMessages: it adds kms:GenerateDataKey* and kms:ReEncrypt*; sending needs these two.
    errorActionRole.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [ruleErrors.queueArn] }));
    key.grant(errorActionRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.rule = new iot.CfnTopicRule(this, 'AnomalyRule', {
      ruleName,
      topicRulePayload: {
        description: 'iot-itsm: anomalies from the threshold component to the incident function',
        sql: ANOMALY_RULE_SQL,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: incident.fn.functionArn } }],
        errorAction: { sqs: { queueUrl: ruleErrors.queueUrl, roleArn: errorActionRole.roleArn, useBase64: false } },
      },
    });
    this.rule.addResourceDependency(permission);

    // The edge side: the core device's thing, its IoT policy, its token exchange role, and the component.
    const thing = new iot.CfnThing(this, 'CoreDevice', { thingName: p.thingName });
    const tokenExchangeRole = new iam.Role(this, 'TokenExchangeRole', {
      assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
      description: `iot-itsm: what the Greengrass core device ${p.thingName} may do with AWS credentials (download its component artifact)`,
    });
    const roleAlias = new iot.CfnRoleAlias(this, 'TokenExchangeRoleAlias', { roleAlias: `iot-itsm-${p.thingName}-tes`, roleArn: tokenExchangeRole.roleArn, credentialDurationSeconds: 3600 });
    const artifact = new s3assets.Asset(this, 'ThresholdArtifact', {
      path: path.join(REPO_ROOT, 'functions', 'iot-itsm', 'threshold-component'),
      exclude: ['test_*.py', '__pycache__', '*.pyc'],
    });
    grantAssetRead(this, tokenExchangeRole, artifact);
    this.componentName = `platform.iotitsm.Threshold.${p.thingName}`;
    this.component = new greengrassv2.CfnComponentVersion(this, 'ThresholdComponent', { inlineRecipe: stack.toJsonString(this.recipe(p, artifact)) });
    const deployment = new greengrassv2.CfnDeployment(this, 'CoreDeviceDeployment', {
      targetArn: stack.formatArn({ service: 'iot', resource: 'thing', resourceName: p.thingName }),
      deploymentName: `iot-itsm ${p.thingName}`,
      components: { [this.componentName]: { componentVersion: this.component.attrComponentVersion } },
    });
    deployment.addResourceDependency(thing);

    const policy = new iot.CfnPolicy(this, 'CoreDevicePolicy', { policyName: `iot-itsm-${p.thingName}`, policyDocument: this.thingPolicy(roleAlias.attrRoleAliasArn) });

    new CfnOutput(this, 'ThingName', { value: thing.ref });
    new CfnOutput(this, 'ThingPolicyName', { value: policy.ref, description: 'Give it to the Greengrass installer: --thing-policy-name' });
    new CfnOutput(this, 'TokenExchangeRoleAliasName', { value: roleAlias.ref, description: 'Give it to the Greengrass installer: --tes-role-alias-name' });
    new CfnOutput(this, 'TokenExchangeRoleName', { value: tokenExchangeRole.roleName, description: 'Give it to the Greengrass installer: --tes-role-name' });
    new CfnOutput(this, 'ComponentName', { value: this.componentName });
    new CfnOutput(this, 'ServiceNowSecretArn', { value: secret.secretArn, description: 'Holds {"instanceUrl", "username", "password"}' });
    new CfnOutput(this, 'IncidentFunctionName', { value: incident.fn.functionName });
  }

  /**
   * The component's recipe. Its version comes from the artifact and the configuration, so an edit
   * to either is a new version (component versions are immutable) and an unchanged one is none.
   */
  private recipe(p: IotItsmParameters, artifact: s3assets.Asset): Record<string, unknown> {
    const configuration = {
      TemperatureLimit: p.temperatureLimit,
      HumidityLimit: p.humidityLimit,
      IntervalSeconds: p.readingIntervalSeconds,
      Readings: 0,
      accessControl: {
        'aws.greengrass.ipc.mqttproxy': {
          [`${this.componentName}:mqttproxy:1`]: {
            policyDescription: 'Publish readings and anomalies to AWS IoT Core, nothing else',
            operations: ['aws.greengrass#PublishToIoTCore'],
            resources: [SENSOR_TOPIC, ANOMALY_TOPIC],
          },
        },
      },
    };
    const digest = crypto.createHash('sha256').update(artifact.assetHash).update(JSON.stringify(configuration)).update(AWS_IOT_SDK).digest('hex');
    // A ZIP artifact unpacks into a folder named after the archive, under decompressedPath.
    const unpacked = `{artifacts:decompressedPath}/${artifact.assetHash}`;
    const args = ['TemperatureLimit', 'HumidityLimit', 'IntervalSeconds', 'Readings'].map((name) => `"${name}": {configuration:/${name}}`).join(', ');
    return {
      RecipeFormatVersion: '2020-01-25',
      ComponentName: this.componentName,
      ComponentVersion: `1.0.${parseInt(digest.slice(0, 12), 16)}`,
      ComponentDescription: 'iot-itsm threshold check: readings to IoTBlog/sensorData, readings over a limit also to IoTBlog/anomaly',
      ComponentPublisher: 'platform-delivery',
      ComponentConfiguration: { DefaultConfiguration: configuration },
      Manifests: [
        {
          Platform: { os: 'linux' },
          Lifecycle: {
            Install: { Script: `python3 -m pip install --user ${AWS_IOT_SDK}`, Timeout: 600 },
            Run: `python3 -u ${unpacked}/main.py '{${args}}'`,
          },
          Artifacts: [{ URI: `s3://${artifact.s3BucketName}/${artifact.s3ObjectKey}`, Unarchive: 'ZIP', Permission: { Read: 'OWNER', Execute: 'NONE' } }],
        },
      ],
    };
  }

  /**
   * The core device's IoT policy: connect as its own thing only, publish the component's two topics,
   * use its own Greengrass and shadow topics, and get credentials through its own role alias.
   */
  private thingPolicy(roleAliasArn: string): Record<string, unknown> {
    const iotArn = (resource: string) => `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    const own = '$aws/things/${iot:Connection.Thing.ThingName}';
    return {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ConnectAsItself', Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client/${iot:Connection.Thing.ThingName}') },
        { Sid: 'PublishReadingsAndAnomalies', Effect: 'Allow', Action: 'iot:Publish', Resource: [SENSOR_TOPIC, ANOMALY_TOPIC].map((t) => iotArn(`topic/${t}`)) },
        { Sid: 'OwnGreengrassTopics', Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [iotArn(`topic/${own}/*`)] },
        { Sid: 'OwnGreengrassSubscriptions', Effect: 'Allow', Action: 'iot:Subscribe', Resource: [iotArn(`topicfilter/${own}/*`)] },
        { Sid: 'OwnShadow', Effect: 'Allow', Action: ['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], Resource: iotArn('thing/${iot:Connection.Thing.ThingName}') },
        { Sid: 'TokenExchange', Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: roleAliasArn },
        {
          Sid: 'GreengrassDataPlane',
          Effect: 'Allow',
          Action: ['greengrass:GetComponentVersionArtifact', 'greengrass:ResolveComponentCandidates', 'greengrass:GetDeploymentConfiguration', 'greengrass:ListThingGroupsForCoreDevice'],
          // Greengrass's data-plane actions take no resource narrower than "*" in an IoT policy.
          Resource: '*',
        },
      ],
    };
  }

  /** A secret to fill in with the ServiceNow integration user: {"instanceUrl", "username", "password"}. */
  private newServiceNowSecret(key: kms.IKey): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'ServiceNowSecret', {
      description: 'iot-itsm: ServiceNow integration user; set {"instanceUrl": "https://<instance>.service-now.com", "username", "password"}',
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ instanceUrl: 'https://your-instance.service-now.com', username: 'iot-itsm' }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason = 'ServiceNow owns the integration user and its password; a Secrets Manager rotation Lambda cannot change a password in that system.';
    Validations.of(secret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason }, { id: 'cdk-validator-cfnguard::secretsmanager_rotation_enabled_check', reason });
    return secret;
  }
}

export class IotItsmStack extends Stack {
  readonly pattern: IotItsm;
  constructor(scope: Construct, id: string, props: PatternStackProps<IotItsmParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'iot-itsm: Greengrass V2 threshold component, IoT rule, ServiceNow incidents (platform-delivery)',
    });
    this.pattern = new IotItsm(this, 'Pattern', { parameters: props.parameters });
  }
}
