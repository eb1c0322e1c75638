import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alarmOnFailedExecutions, alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { acknowledgeBucketDeploymentHandler } from '../shared/generated';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { dataTable } from '../shared/tables';
import type { OrganizationContext } from '../types';
import type { BaselinerParameters } from './parameters';
import { baselineDefinition } from './state-machine';

const NO_VPC_REASON = 'Calls only AWS APIs (Organizations, Service Catalog, Control Tower, Step Functions, S3, DynamoDB, SNS) with IAM auth; nothing private to reach.';

/**
 * Control Tower's baseline lifecycle events the trigger reads (functions/baseliner/shared/events.ts
 * parses the same names; a stage test holds the two lists equal, since a stage refers to its
 * functions by path only).
 */
export const BASELINE_EVENT_NAMES = ['EnableBaseline', 'ResetEnabledBaseline', 'UpdateEnabledBaseline'] as const;

/** Organizations MoveAccount as CloudTrail hands it to EventBridge (in us-east-1 only). */
export const MOVE_ACCOUNT_PATTERN: events.EventPattern = {
  source: ['aws.organizations'],
  detailType: ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['organizations.amazonaws.com'], eventName: ['MoveAccount'] },
};

export interface BaselinerProps {
  readonly parameters: BaselinerParameters;
  readonly organization: OrganizationContext;
}

/**
 * The account baseliner: Control Tower vending events and update files → a bounded, idempotent
 * Step Functions workflow that provisions Service Catalog products into the account.
 */
export class Baseliner extends Construct {
  readonly configBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly stateMachine: sfn.StateMachine;
  readonly trigger: PatternFunction;
  readonly steps: PatternFunction;
  readonly enrollment: PatternFunction;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: BaselinerProps) {
    super(scope, id);
    const p = props.parameters;
    const stack = Stack.of(this);
    this.key = patternKey(this, 'Key', 'baseliner: config, tracking, notifications, logs');

    // ---------------------------------------------------------------- config, tracking, reports
    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.configBucket = dataBucket(this, 'Config', { key: this.key, accessLogs, accessLogsPrefix: 'config/' });
    new s3deploy.BucketDeployment(this, 'ConfigFiles', {
      destinationBucket: this.configBucket,
      sources: configSources(props.organization),
      prune: false, // update files already run are history; removing one from the repo does not undo it
      memoryLimit: 256,
      logGroup: new logs.LogGroup(this, 'ConfigFilesLogs', { retention: p.logRetentionDays, encryptionKey: this.key, removalPolicy: RemovalPolicy.RETAIN }),
    });
    this.table = dataTable(this, 'Tracking', { partitionKey: 'accountId', sortKey: 'provisionName', key: this.key });
    // CloudWatch alarms publish to it too (notificationTopic lets them use the key).
    this.topic = notificationTopic(this, 'Reports', this.key, 'Account baseliner', p.notifyEmail);

    // ---------------------------------------------------------------- workflow
    this.steps = new PatternFunction(this, 'Steps', {
      entry: 'baseliner/steps/index.ts',
      description: 'baseliner: the tasks of the baseline workflow',
      environment: { TABLE_NAME: this.table.tableName, TOPIC_ARN: this.topic.topicArn, PIPELINE_NAME: p.pipelineName ?? props.organization.pipelineName },
      // A poll task looks at its record for up to 4 minutes (POLL_BUDGET_MS) before handing back.
      timeout: Duration.minutes(5),
      memorySize: 128,
      logRetention: p.logRetentionDays,
      key: this.key,
      noDeadLetterReason:
        "The tasks of the baseline workflow, invoked synchronously by Step Functions: the workflow's Retry and Catch handle every error and report it to SNS. A DLQ catches asynchronous invocations only.",
      noVpcReason: NO_VPC_REASON,
    });
    this.enrollment = new PatternFunction(this, 'Enrollment', {
      entry: 'baseliner/enrollment',
      description: "baseliner: asks Control Tower whether an account is enrolled (the workflow's gate)",
      environment: { PARTITION: Aws.PARTITION },
      timeout: Duration.seconds(30),
      memorySize: 128,
      logRetention: p.logRetentionDays,
      key: this.key,
      noDeadLetterReason:
        'A task of the baseline workflow, invoked synchronously by Step Functions: Retry and Catch handle its errors (an access-denied check ends in the tracked, notified NotEnrolled path).',
      noVpcReason: NO_VPC_REASON,
    });
    const workflowLogs = new logs.LogGroup(this, 'WorkflowLogs', { retention: p.logRetentionDays, encryptionKey: this.key, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(baselineDefinition(this, this.steps.fn, this.enrollment.fn, p.concurrency)),
      // The sum of all waits is bounded by maxWaitMinutes per product; this bounds everything else too.
      timeout: Duration.hours(24),
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(this.key),
    });

    this.trigger = new PatternFunction(this, 'Trigger', {
      entry: 'baseliner/trigger/index.ts',
      description: 'baseliner: Control Tower events and update files to one workflow per account',
      environment: {
        CONFIG_BUCKET: this.configBucket.bucketName,
        TABLE_NAME: this.table.tableName,
        TOPIC_ARN: this.topic.topicArn,
        STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        MANAGEMENT_ACCOUNT_ID: props.organization.managementAccount,
        PROVISIONING_ROLE_ARN: this.steps.role.roleArn,
        MAX_POLLS: String(p.maxPolls),
        ORGANIZATION_ID: props.organization.organizationId ?? '',
        ENROLLMENT_GATE: p.enrollmentGate ? 'on' : 'off',
        ENROLLMENT_MAX_CHECKS: String(p.enrollmentMaxChecks),
        RECONCILE_MAX_STARTS: String(p.reconcileMaxStarts),
        RECONCILE_MAX_ATTEMPTS: String(p.reconcileMaxAttempts),
      },
      timeout: Duration.minutes(5),
      logRetention: p.logRetentionDays,
      key: this.key,
      noVpcReason: NO_VPC_REASON,
      // One account at a time keeps the STACKSET constraint updates from racing each other.
      reservedConcurrentExecutions: 1,
      noDeadLetterReason:
        'Failed asynchronous invocations go to the on-failure destination (the baseliner topic, TriggerOnFailure below), which takes the place of a DLQ; events the rules cannot deliver go to UndeliveredEvents.',
    });
    // Failed events go to the topic after two retries. Set on the resource: the L2 destination would
    // grant kms:GenerateDataKey* on the key, and the role already has exactly what publishing needs.
    new lambda.CfnEventInvokeConfig(this, 'TriggerOnFailure', {
      functionName: this.trigger.fn.functionName,
      qualifier: '$LATEST',
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: Duration.hours(6).toSeconds(),
      destinationConfig: { onFailure: { destination: this.topic.topicArn } },
    });

    // ---------------------------------------------------------------- triggers
    const undelivered = deadLetterQueue(this, 'UndeliveredEvents', this.key, 'the trigger rules');
    alarmOnWaitingMessages(
      this,
      'UndeliveredEventsWaiting',
      undelivered,
      this.topic,
      'baseliner: an event never reached the trigger (a vended account or an update file is not being baselined; see the UndeliveredEvents queue)',
    );
    const target = () => new targets.LambdaFunction(this.trigger.fn, { deadLetterQueue: undelivered, retryAttempts: 4, maxEventAge: Duration.hours(2) });
    const vended = new events.Rule(this, 'AccountVended', {
      description: 'Control Tower created or updated a managed account',
      eventPattern: {
        source: ['aws.controltower'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventName: ['CreateManagedAccount', 'UpdateManagedAccount'],
          $or: [{ serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } } }, { serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } } }],
        },
      },
    });
    vended.addTarget(target());
    // Update files: S3 → EventBridge (set on the bucket) → the trigger. EventBridge holds the
    // invoke permission; no bucket-notification custom resource is needed.
    const updates = new events.Rule(this, 'UpdateFileUploaded', {
      description: 'An update file landed in the baseliner config bucket',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.configBucket.bucketName] }, object: { key: [{ wildcard: 'updates/*.yaml' }] } },
      },
    });
    updates.addTarget(target());
    // Organizations events reach EventBridge in us-east-1; elsewhere the stage forwards them here.
    const moved = new events.Rule(this, 'AccountMoved', { description: 'An account moved to another OU (auto-enrollment in a registered OU)', eventPattern: MOVE_ACCOUNT_PATTERN });
    moved.addTarget(target());
    const baselineEvents = new events.Rule(this, 'BaselineChanged', {
      description: 'Control Tower enabled, reset or updated a baseline on an OU or account',
      eventPattern: { source: ['aws.controltower'], detailType: ['AWS Service Event via CloudTrail'], detail: { eventName: [...BASELINE_EVENT_NAMES] } },
    });
    baselineEvents.addTarget(target());
    const rules = [vended, updates, moved, baselineEvents];
    if (p.reconcileEveryMinutes > 0) {
      const reconcile = new events.Rule(this, 'Reconcile', {
        description: 'The baseliner compares every governed account with baseline.yaml',
        schedule: events.Schedule.rate(Duration.minutes(p.reconcileEveryMinutes)),
      });
      reconcile.addTarget(target());
      rules.push(reconcile);
    }
    for (const rule of rules) allowEventBridgeDeadLetters(this.key, rule.node.id);

    // ---------------------------------------------------------------- alarms
    alarmOnFailedExecutions(this, 'ExecutionsFailed', this.stateMachine, this.topic, 'A baseline execution failed, timed out or was aborted', Duration.minutes(5));

    this.grantPermissions(stack, props.organization, p);
    this.acknowledgeGenerated(stack);
  }

  /** Say why the findings on what CDK generates for us are acceptable. */
  private acknowledgeGenerated(stack: Stack): void {
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: 'Generated by CDK: invoke on the steps function and its versions (<arn>:*), and X-Ray trace writes, which take no resource ARN.',
    });
    acknowledgeBucketDeploymentHandler(stack, 'it copies baseline.yaml and updates/ into the config bucket');
  }

  /** Least privilege, with a reason next to every wildcard resource. */
  private grantPermissions(stack: Stack, org: OrganizationContext, p: BaselinerParameters): void {
    const trigger = this.trigger.role;
    const steps = this.steps.role;
    const catalog = (resource: string) => stack.formatArn({ service: 'catalog', resource, resourceName: '*' });
    trigger.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.configBucket.arnForObjects('baseline.yaml'), this.configBucket.arnForObjects('governed.json'), this.configBucket.arnForObjects('updates/*')],
      }),
    );
    // Organizations list calls take no resource ARN but "*".
    trigger.addToPolicy(new iam.PolicyStatement({ actions: ['organizations:ListRoots', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'], resources: ['*'] }));
    // Search and list calls of Service Catalog take "*"; the calls on one portfolio or product are scoped to this account's.
    trigger.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'servicecatalog:SearchProductsAsAdmin',
          'servicecatalog:ListPortfolios',
          'servicecatalog:DescribeConstraint',
          'servicecatalog:DescribeProvisionedProduct',
          'servicecatalog:SearchProvisionedProducts',
        ],
        resources: ['*'],
      }),
    );
    trigger.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'servicecatalog:ListProvisioningArtifacts',
          'servicecatalog:ListPrincipalsForPortfolio',
          'servicecatalog:AssociatePrincipalWithPortfolio',
          'servicecatalog:ListConstraintsForPortfolio',
          'servicecatalog:CreateConstraint',
          'servicecatalog:UpdateConstraint',
        ],
        resources: [catalog('portfolio'), catalog('product')],
      }),
    );
    const stackSetAdmin = `arn:${Aws.PARTITION}:iam::${org.managementAccount}:role/service-role/AWSControlTowerStackSetRole`;
    for (const role of [trigger, steps]) role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole', 'iam:GetRole'], resources: [stackSetAdmin] }));
    trigger.addToPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }));
    trigger.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        // Executions are named per account and config version: their ARNs are known only at run time.
        resources: [stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    for (const role of [trigger, steps]) {
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'], resources: [this.table.tableArn] }),
      );
      role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
      this.key.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    }
    // Provisioning StackSet-backed products runs CloudFormation StackSets with the caller's rights.
    steps.addToPolicy(new iam.PolicyStatement({ actions: ['servicecatalog:ProvisionProduct', 'servicecatalog:UpdateProvisionedProduct'], resources: [catalog('product')] }));
    // DescribeRecord and TerminateProvisionedProduct take no resource ARN but "*".
    steps.addToPolicy(new iam.PolicyStatement({ actions: ['servicecatalog:DescribeRecord', 'servicecatalog:TerminateProvisionedProduct'], resources: ['*'] }));
    // ListEnabledBaselines is a list call: it takes no resource ARN but "*".
    this.enrollment.role.addToPolicy(new iam.PolicyStatement({ actions: ['controltower:ListEnabledBaselines'], resources: ['*'] }));
    steps.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudformation:CreateStackSet',
          'cloudformation:UpdateStackSet',
          'cloudformation:CreateStackInstances',
          'cloudformation:UpdateStackInstances',
          'cloudformation:DescribeStackSet',
          'cloudformation:DescribeStackSetOperation',
          'cloudformation:ListStackInstances',
          'cloudformation:ListStackSetOperationResults',
          'cloudformation:DeleteStackInstances',
          'cloudformation:DeleteStackSet',
        ],
        // Service Catalog names the StackSets it creates SC-<account>-<id>.
        resources: [
          stack.formatArn({ service: 'cloudformation', resource: 'stackset', resourceName: 'SC-*' }),
          stack.formatArn({ service: 'cloudformation', resource: 'stackset-target', resourceName: 'SC-*' }),
          `arn:${Aws.PARTITION}:cloudformation:*::type/resource/*`,
        ],
      }),
    );
    // Templates of products live in Service Catalog's buckets, whose names it chooses.
    steps.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'], resources: ['*'] }));
    steps.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::cf-templates-*/*`, `arn:${Aws.PARTITION}:s3:::sc-*/*`] }));
    steps.addToPolicy(
      new iam.PolicyStatement({ actions: ['codepipeline:StartPipelineExecution'], resources: [stack.formatArn({ service: 'codepipeline', resource: p.pipelineName ?? org.pipelineName })] }),
    );

    const reason =
      'Wildcard resources only where the API takes no narrower ARN (Organizations, Service Catalog and Control Tower list/search calls, DescribeRecord, TerminateProvisionedProduct, template checks) or names are chosen at run time (SC-* StackSets, Service Catalog template buckets, execution ARNs, portfolio/product ARNs of this account); each statement says which.';
    for (const role of [trigger, steps, this.enrollment.role]) Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason });
  }
}

/** EventBridge may write a rule's undelivered events to a dead-letter queue under this key (this account's rules only). */
export function allowEventBridgeDeadLetters(key: kms.IKey, ruleId: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `EventBridgeDeadLetters${ruleId}`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'], // in a key policy "*" means this key
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
}

/**
 * baseline.yaml and updates/*.yaml from the config directory, as they are in the repository, and
 * governed.json: the OUs organization.yaml governs (the trigger ignores accounts outside them).
 */
function configSources(org: OrganizationContext): s3deploy.ISource[] {
  const configDir = org.configDir;
  const sources = [
    s3deploy.Source.data('baseline.yaml', readOr(path.join(configDir, 'baseline.yaml'), 'organizationalUnits: {}\n')),
    s3deploy.Source.jsonData('governed.json', { organizationalUnits: [...org.organizationalUnits] }),
  ];
  const updates = path.join(configDir, 'updates');
  if (fs.existsSync(updates)) {
    for (const name of fs
      .readdirSync(updates)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort())
      sources.push(s3deploy.Source.data(`updates/${name}`, fs.readFileSync(path.join(updates, name), 'utf8')));
  }
  return sources;
}

function readOr(file: string, fallback: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : fallback;
}

export class BaselinerStack extends Stack {
  readonly baseliner: Baseliner;
  constructor(scope: Construct, id: string, props: BaselinerProps & { stackName?: string; env?: { account?: string; region?: string } }) {
    super(scope, id, { stackName: props.stackName, env: props.env, description: 'baseliner: Service Catalog baselines for new and existing accounts (platform-delivery)' });
    this.baseliner = new Baseliner(this, 'Baseliner', props);
  }
}
