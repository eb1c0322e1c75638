import { Aws, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { appConfigAgentLayer, EXTENSION_NAME, extensionLayer } from './layers';
import type { LambdaExtensionsParameters } from './parameters';

export const ENVIRONMENT_NAME = 'Production';
export const PROFILE_NAME = 'LoggingLevel';

/**
 * Lambda extensions, two ways: our own external extension (Go, a layer at
 * /opt/extensions/lifecycle-logger), and AWS's AppConfig agent extension serving a hosted
 * LoggingLevel profile on localhost:2772 to a Node.js and a Go function.
 */
export class LambdaExtensions extends Construct {
  readonly functions: { readonly node: lambda.Function; readonly go: lambda.Function };
  readonly profile: appconfig.HostedConfiguration;

  constructor(scope: Construct, id: string, props: { parameters: LambdaExtensionsParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'lambda-extensions: function environment, logs and dead-letter queue');
    const alarms = notificationTopic(this, 'Alarms', key, 'lambda-extensions alarms', p.notifyEmail);

    const application = new appconfig.Application(this, 'Application', { description: 'lambda-extensions: AppConfig demo (platform-delivery)' });
    const production = new appconfig.Environment(this, 'Production', { application, environmentName: ENVIRONMENT_NAME });
    // All at once: the whole fleet gets a new version at once, no bake (AppConfig.AllAtOnce would bake 10 minutes).
    const allAtOnce = new appconfig.DeploymentStrategy(this, 'AllAtOnce', {
      rolloutStrategy: appconfig.RolloutStrategy.linear({ growthFactor: 100, deploymentDuration: Duration.minutes(0), finalBakeTime: Duration.minutes(0) }),
      description: 'lambda-extensions: all at once, no bake',
    });
    this.profile = new appconfig.HostedConfiguration(this, 'LoggingLevel', {
      application,
      name: PROFILE_NAME,
      content: appconfig.ConfigurationContent.fromInlineJson(JSON.stringify({ loglevel: p.logLevel })),
      deploymentStrategy: allAtOnce,
      deployTo: [production],
    });

    const profilePath = `/applications/${application.applicationId}/environments/${production.environmentId}/configurations/${this.profile.configurationProfileId}`;
    const layers = [appConfigAgentLayer(this, 'AppConfigAgent'), extensionLayer(this, 'LifecycleLogger')];
    const dlq = deadLetterQueue(this, 'FailedInvocations', key, 'the lambda-extensions functions (failed asynchronous invocations)');
    alarmOnWaitingMessages(this, 'FailedInvocationsWaiting', dlq, alarms, 'lambda-extensions: an asynchronous invocation failed after its retries (see the dead-letter queue)');
    const reader = (fnId: string, entry: string, runtime: string) =>
      new PatternFunction(this, fnId, {
        entry,
        description: `lambda-extensions (${runtime}): returns the event, ColdStart and the LoggingLevel profile's loglevel from the AppConfig agent`,
        memorySize: 256,
        timeout: Duration.seconds(10),
        logRetention: p.logRetentionDays,
        key,
        layers,
        deadLetterQueue: dlq,
        environment: {
          APPCONFIG_APPLICATION: application.applicationId,
          APPCONFIG_ENVIRONMENT: production.environmentId,
          APPCONFIG_PROFILE: this.profile.configurationProfileId,
          // The agent fetches the profile during init, so the first read is local too.
          AWS_APPCONFIG_EXTENSION_PREFETCH_LIST: profilePath,
          LIFECYCLE_LOGGER_EVENTS: p.lifecycleLogger,
        },
        noVpcReason:
          "Reads its configuration from the AppConfig agent on localhost, which calls AppConfig's public endpoint; in a VPC it would need an AppConfig endpoint or NAT in every account and Region.",
      });
    const node = reader('NodeReader', 'lambda-extensions/log-level-node/index.ts', 'Node.js');
    const go = reader('GoReader', 'lambda-extensions/log-level-go', 'Go');
    for (const fn of [node, go])
      fn.role.addToPolicy(
        new iam.PolicyStatement({
          // What the agent calls, as the function's role, for this one profile.
          actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          resources: [
            `arn:${Aws.PARTITION}:appconfig:${Aws.REGION}:${Aws.ACCOUNT_ID}:application/${application.applicationId}/environment/${production.environmentId}/configuration/${this.profile.configurationProfileId}`,
          ],
        }),
      );
    this.functions = { node: node.fn, go: go.fn };
    new CfnOutput(this, 'NodeFunctionName', { value: node.fn.functionName });
    new CfnOutput(this, 'GoFunctionName', { value: go.fn.functionName });
    new CfnOutput(this, 'ExtensionName', { value: EXTENSION_NAME });
  }
}

export class LambdaExtensionsStack extends Stack {
  readonly pattern: LambdaExtensions;
  constructor(scope: Construct, id: string, props: PatternStackProps<LambdaExtensionsParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'lambda-extensions: an external Go extension and the AppConfig agent extension (platform-delivery)',
    });
    this.pattern = new LambdaExtensions(this, 'Pattern', { parameters: props.parameters });
  }
}
