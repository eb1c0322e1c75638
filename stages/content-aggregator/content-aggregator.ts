import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { PatternFunction } from '../shared/pattern-function';
import { allowEventBridgeRules, patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { workflowRole } from '../shared/lambda-task';
import { alarmOnFailedExecutions, alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import type { ContentAggregatorParameters } from './parameters';
import { aggregatorDefinition, type AggregatorFunctions } from './state-machine';

const NO_VPC_REASON = 'Reads a public feed, public pages and the GitHub API on the internet; outside a VPC Lambda reaches them without a NAT gateway per account and Region.';

const FUNCTIONS: Record<keyof AggregatorFunctions, { dir: string; description: string; github?: boolean }> = {
  getFeedUrls: { dir: 'get-feed-urls', description: 'content-aggregator: post links of the feed' },
  getRepoContents: { dir: 'get-repo-contents', description: 'content-aggregator: links already in the content file', github: true },
  compare: { dir: 'compare', description: 'content-aggregator: is a feed item already listed' },
  getPostMetadata: { dir: 'get-post-metadata', description: 'content-aggregator: metadata of a new post' },
  addToList: { dir: 'add-to-list', description: "content-aggregator: the run's new posts, flat and once each" },
  writeToGitHub: { dir: 'write-to-github', description: 'content-aggregator: one commit of the merged content file', github: true },
};

/**
 * Serverless Land's content aggregator: every few hours a Standard state machine reads a feed,
 * compares it with the site's content file on GitHub, gathers the new posts' metadata, and
 * commits them in one commit.
 */
export class ContentAggregator extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<keyof AggregatorFunctions, PatternFunction>;
  readonly role: iam.Role;
  readonly alarms: sns.Topic;

  constructor(scope: Construct, id: string, props: { parameters: ContentAggregatorParameters }) {
    super(scope, id);
    const p = props.parameters;
    const stack = Stack.of(this);
    const key = patternKey(this, 'Key', 'content-aggregator: logs, function environment, executions');
    const tokenArn = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: p.tokenParameter.slice(1) });
    const github = { REPOSITORY: p.repository, FILE_PATH: p.filePath, BRANCH: p.branch, TOKEN_PARAMETER: p.tokenParameter };

    this.functions = Object.fromEntries(
      Object.entries(FUNCTIONS).map(([name, f]) => {
        const fn = new PatternFunction(this, `${name[0].toUpperCase()}${name.slice(1)}Function`, {
          entry: `content-aggregator/${f.dir}/index.ts`,
          description: f.description,
          environment: { ...(f.github ? github : {}), ...(name === 'getFeedUrls' ? { MAX_ITEMS: String(p.maxItems) } : {}) },
          timeout: Duration.seconds(30),
          logRetention: p.logRetentionDays,
          key,
          noVpcReason: NO_VPC_REASON,
          noDeadLetterReason: 'A task of the state machine, invoked synchronously by Step Functions: its Retry and Catch handle the error. A DLQ catches asynchronous invocations only.',
        });
        // The token parameter only; SecureStrings under the AWS managed aws/ssm key decrypt through SSM for the account's principals.
        if (f.github) fn.role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [tokenArn] }));
        return [name, fn];
      }),
    ) as Record<keyof AggregatorFunctions, PatternFunction>;

    // The state machine's own role, closed to CDK's generated grants: invoke on exactly the six functions.
    this.role = workflowRole(
      this,
      'WorkflowRole',
      'content-aggregator: the state machine',
      Object.values(this.functions).map((f) => f.fn),
      key,
    );

    const workflowLogs = new logs.LogGroup(this, 'WorkflowLogs', { retention: p.logRetentionDays, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(aggregatorDefinition(this, Object.fromEntries(Object.entries(this.functions).map(([k, v]) => [k, v.fn])) as unknown as AggregatorFunctions)),
      role: this.role.withoutPolicyUpdates(),
      timeout: Duration.minutes(30),
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
    });
    this.stateMachine.node.addDependency(this.role);

    // ------------------------------------------------------------------ schedule
    const scheduleDlq = deadLetterQueue(this, 'ScheduleDlq', key, 'the schedule target');
    const ruleName = 'content-aggregator-schedule';
    new events.Rule(this, 'Schedule', {
      ruleName,
      description: 'content-aggregator: read the feed and update the content file',
      schedule: events.Schedule.rate(Duration.hours(p.scheduleHours)),
      enabled: p.scheduleEnabled,
      targets: [new targets.SfnStateMachine(this.stateMachine, { input: events.RuleTargetInput.fromObject({ feedUrl: p.feedUrl }), deadLetterQueue: scheduleDlq, retryAttempts: 4 })],
    });
    allowEventBridgeRules(key, 'EventBridgeScheduleDeadLetters', [ruleName]);

    // ------------------------------------------------------------------ failed runs → SNS
    this.alarms = notificationTopic(this, 'Alarms', key, 'content-aggregator failed runs', p.notifyEmail);
    alarmOnWaitingMessages(this, 'ScheduleDlqNotEmpty', scheduleDlq, this.alarms, 'content-aggregator: a scheduled run could not be started (see the schedule DLQ)');
    alarmOnFailedExecutions(this, 'RunsFailed', this.stateMachine, this.alarms, 'content-aggregator: a run failed, timed out or was aborted', Duration.hours(1));

    // ------------------------------------------------------------------ acknowledgements
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: 'Log delivery and X-Ray calls of the state machine take no resource ARN; Lambda invoke is on the six function ARNs exactly.',
    });
  }
}

export class ContentAggregatorStack extends Stack {
  readonly pattern: ContentAggregator;
  constructor(scope: Construct, id: string, props: PatternStackProps<ContentAggregatorParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'content-aggregator: Step Functions content aggregation into a GitHub repository (platform-delivery)',
    });
    this.pattern = new ContentAggregator(this, 'Pattern', { parameters: props.parameters });
  }
}
