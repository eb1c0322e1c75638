/**
 * Scheduled drift detection of everything the pipeline deploys: every stages-mode stack
 * (DetectStackDrift through its account's CDK lookup role, read-only) and every StackSet (DetectStackSetDrift
 * in its administrator account). A Step Functions Map over the targets, five at a time, each one
 * started, polled (bounded) and collected by functions/delivery/drift; throttling is retried with
 * back-off, access denied and a stack deleted meanwhile are recorded, not fatal. The reconcile
 * report goes to S3 (KMS, private), its summary to the platform team's topic.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { alarmOnFailedExecutions, alarmOnWaitingMessages } from '../../stages/shared/alarms';
import { dataBucket } from '../../stages/shared/buckets';
import { lambdaTask, workflowRole } from '../../stages/shared/lambda-task';
import { PatternFunction } from '../../stages/shared/pattern-function';
import { allowEventBridgeRules } from '../../stages/shared/pattern-key';
import { deadLetterQueue } from '../../stages/shared/queues';
import type { Plan } from '../planner';
import { lookupRoleArn } from '../wave-gates';

/** Polls of one detection before it is recorded TIMED_OUT: 40 × 30 s = 20 minutes. */
export const MAX_POLLS = 40;
export const POLL_SECONDS = 30;
/** Targets detected at once: CloudFormation's drift APIs are throttled per account and Region. */
export const MAX_CONCURRENCY = 5;
/** The error names functions/delivery/drift/drift.ts throws (DRIFT_ERRORS). */
const THROTTLED = 'Throttled';
const ACCESS_DENIED = 'AccessDenied';
const GONE = 'StackGone';

export type DriftTargetInput =
  { kind: 'stack'; accountId: string; region: string; stackName: string } | { kind: 'stackset'; accountId: string; region: string; stackSetName: string; callAs: 'SELF' | 'DELEGATED_ADMIN' };

/** What the pipeline deploys, as drift targets: each stage's stacks (their names from the measured shapes) and each StackSet. */
export function driftTargets(plan: Plan): DriftTargetInput[] {
  return plan.waves.flatMap((w) =>
    w.deployments.flatMap((d): DriftTargetInput[] => {
      if (d.kind === 'stackset') return [{ kind: 'stackset', accountId: d.adminAccountId, region: d.region, stackSetName: d.stackSetName, callAs: d.callAs }];
      const stacks = (plan.shapes.get(d.id)?.templates ?? []).filter((t) => t.via === 'action').map((t) => t.name);
      return [...new Set(stacks.length ? stacks : [d.stackName])].map((stackName) => ({ kind: 'stack', accountId: d.accountId, region: d.region, stackName }));
    }),
  );
}

/**
 * The state machine, alone: the targets (held in the definition, whose 1 MB dwarfs the 8 KB an
 * EventBridge target's input may hold), a Map of start → poll → collect per target, then the report.
 */
export function driftDefinition(scope: Construct, fn: PatternFunction['fn'], targets: readonly DriftTargetInput[]): sfn.IChainable {
  const step = (id: string, payload: Record<string, unknown>, resultPath?: string) => {
    const task = lambdaTask(scope, id, fn, { payload: sfn.TaskInput.fromObject(payload), resultPath });
    task.addRetry({ errors: [THROTTLED], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
    return task;
  };
  const outcome = (id: string, status: string) => new sfn.Pass(scope, id, { parameters: { 'target.$': '$.target', status, 'reason.$': '$.failure.Cause' } });
  const unreadable = outcome('Unreadable', 'UNREADABLE');
  const deleted = outcome('Deleted', 'DELETED');
  const failed = outcome('Failed', 'FAILED');
  const recordErrors = (task: sfn.TaskStateBase) =>
    task
      .addCatch(unreadable, { errors: [ACCESS_DENIED], resultPath: '$.failure' })
      .addCatch(deleted, { errors: [GONE], resultPath: '$.failure' })
      .addCatch(failed, { errors: ['States.ALL'], resultPath: '$.failure' });

  const start = step('StartDetection', { step: 'start', 'target.$': '$.target' }, '$.detection');
  const begin = new sfn.Pass(scope, 'NotPolledYet', { result: sfn.Result.fromObject({ attempts: 0, done: false }), resultPath: '$.check' });
  const wait = new sfn.Wait(scope, 'WaitForDetection', { time: sfn.WaitTime.duration(Duration.seconds(POLL_SECONDS)) });
  const check = step('CheckDetection', { step: 'check', 'target.$': '$.target', 'detection.$': '$.detection', 'attempts.$': '$.check.attempts' }, '$.check');
  const collect = step('CollectDrift', { step: 'collect', 'target.$': '$.target', 'detection.$': '$.detection' });
  const timedOut = new sfn.Pass(scope, 'TimedOut', { parameters: { 'target.$': '$.target', status: 'TIMED_OUT', reason: `detection still running after ${MAX_POLLS} checks` } });
  [start, check, collect].forEach(recordErrors);
  const done = new sfn.Choice(scope, 'DetectionDone')
    .when(sfn.Condition.booleanEquals('$.check.done', true), collect)
    .when(sfn.Condition.numberGreaterThanEquals('$.check.attempts', MAX_POLLS), timedOut)
    .otherwise(wait);
  const perTarget = start.next(begin).next(wait).next(check).next(done);

  const forEach = new sfn.Map(scope, 'ForEachTarget', { itemsPath: '$.targets', itemSelector: { 'target.$': '$$.Map.Item.Value' }, maxConcurrency: MAX_CONCURRENCY, resultPath: '$.results' });
  forEach.itemProcessor(perTarget);
  const report = lambdaTask(scope, 'WriteReport', fn, { payload: sfn.TaskInput.fromObject({ step: 'report', 'results.$': '$.results' }) });
  const targetList = new sfn.Pass(scope, 'Targets', { result: sfn.Result.fromObject({ targets }) });
  return targetList.next(forEach).next(report);
}

export interface DriftDetectionProps {
  readonly plan: Plan;
  readonly key: kms.IKey;
  readonly topic: sns.ITopic;
  readonly accessLogs: s3.IBucket;
  /** How often: an EventBridge schedule expression. */
  readonly schedule: events.Schedule;
}

export class DriftDetection extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly reports: s3.Bucket;
  readonly targets: readonly DriftTargetInput[];

  constructor(scope: Construct, id: string, props: DriftDetectionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.targets = driftTargets(props.plan);
    this.reports = dataBucket(this, 'Reports', { key: props.key, accessLogs: props.accessLogs, accessLogsPrefix: 'drift-reports/', noncurrentVersionDays: 90 });

    const drift = new PatternFunction(this, 'Steps', {
      entry: 'delivery/drift/index.ts',
      description: 'platform-delivery: drift detection steps (start, check, collect, report)',
      environment: { MANAGEMENT_ACCOUNT: stack.account, REPORT_BUCKET: this.reports.bucketName, TOPIC_ARN: props.topic.topicArn },
      timeout: Duration.minutes(2),
      logRetention: logs.RetentionDays.ONE_YEAR,
      key: props.key,
      noDeadLetterReason: 'Invoked synchronously by its state machine, which retries and records its failures; a DLQ catches asynchronous invocations only.',
      noVpcReason: 'Calls only AWS APIs (STS, CloudFormation in the target accounts, S3, SNS); the management account keeps no VPC for the pipeline.',
    });
    // Read-only detection in the targets: the CDK lookup roles (ReadOnlyAccess) of the accounts and Regions the plan reaches (the management account's own stacks need none).
    const roles = [...new Set(this.targets.filter((t) => t.accountId !== stack.account).map((t) => lookupRoleArn(stack.partition, t.accountId, t.region)))].sort();
    if (roles.length) drift.role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles }));
    const ownStackSets = this.targets.filter((t) => t.kind === 'stackset' && t.accountId === stack.account);
    if (ownStackSets.length)
      drift.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['cloudformation:DetectStackSetDrift', 'cloudformation:DescribeStackSetOperation', 'cloudformation:ListStackInstances', 'cloudformation:ListStackInstanceResourceDrifts'],
          resources: ownStackSets.map((t) => `arn:${stack.partition}:cloudformation:${t.region}:${t.accountId}:stackset/${t.kind === 'stackset' ? t.stackSetName : ''}:*`),
        }),
      );
    const ownStacks = this.targets.filter((t) => t.kind === 'stack' && t.accountId === stack.account);
    if (ownStacks.length) {
      drift.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'cloudformation:DetectStackDrift',
            'cloudformation:DetectStackResourceDrift',
            'cloudformation:DescribeStackResourceDrifts',
            'cloudformation:DescribeStacks',
            'cloudformation:DescribeStackResources',
          ],
          resources: ownStacks.map((t) => `arn:${stack.partition}:cloudformation:${t.region}:${t.accountId}:stack/${t.kind === 'stack' ? t.stackName : ''}/*`),
        }),
      );
      // DescribeStackDriftDetectionStatus takes no resource ARN (a detection is named by its id only).
      drift.role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackDriftDetectionStatus'], resources: ['*'] }));
    }
    this.reports.grantPut(drift.role);
    drift.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    props.key.grant(drift.role, 'kms:GenerateDataKey', 'kms:Decrypt');

    const role = workflowRole(this, 'WorkflowRole', 'platform-delivery: drift detection state machine', [drift.fn], props.key);
    const workflowLogs = new logs.LogGroup(this, 'WorkflowLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(driftDefinition(this, drift.fn, this.targets)),
      role: role.withoutPolicyUpdates(),
      timeout: Duration.hours(6),
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.key),
    });
    this.stateMachine.node.addDependency(role);

    const scheduleDlq = deadLetterQueue(this, 'ScheduleDlq', props.key, 'the drift detection schedule');
    const ruleName = `${stack.stackName}-drift-detection`.slice(0, 64);
    new events.Rule(this, 'Schedule', {
      ruleName,
      description: 'platform-delivery: detect drift of every stack and StackSet the pipeline deploys',
      schedule: props.schedule,
      targets: [new targets.SfnStateMachine(this.stateMachine, { input: events.RuleTargetInput.fromObject({}), deadLetterQueue: scheduleDlq, retryAttempts: 4 })],
    });
    allowEventBridgeRules(props.key, 'DriftScheduleDeadLetters', [ruleName]);
    alarmOnWaitingMessages(this, 'ScheduleDlqNotEmpty', scheduleDlq, props.topic, 'platform-delivery: a scheduled drift detection could not be started (see the schedule DLQ)');
    alarmOnFailedExecutions(this, 'RunsFailed', this.stateMachine, props.topic, 'platform-delivery: a drift detection run failed, timed out or was aborted', Duration.hours(6));

    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: 'Log delivery and X-Ray calls of the state machine take no resource ARN; Lambda invoke is on the one function, by ARN.',
    });
    Validations.of(drift.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason:
        'Stack and StackSet ARNs end in their generated id (stack/<name>/*, stackset/<name>:*); DescribeStackDriftDetectionStatus and X-Ray take no resource ARN; report objects are written under the bucket (grantPut). Every target account is reached through its named lookup role only.',
    });
  }
}
