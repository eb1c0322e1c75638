import * as fs from 'node:fs';
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { PipelineNotificationEvents, PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CodeBuildStep, CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { ConfigError } from '../accounts/issues';
import type { Config } from '../accounts/config';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { alarmOnWaitingMessages, subscribeEmail } from '../stages/shared/alarms';
import { PatternFunction } from '../stages/shared/pattern-function';
import { deadLetterQueue } from '../stages/shared/queues';
import { accessLogsBucket, dataBucket, hardenGeneratedBucket } from '../stages/shared/buckets';
import { allowServiceToUseKey, patternKey } from '../stages/shared/pattern-key';
import type { Registry } from '../stages/types';
import { createDeploymentStage, measureStage } from './deployment-stages';
import { organizationContext } from './organization-context';
import { shapePlan, type DeploymentShape, type DraftPlan, type Plan } from './planner';
import { ChatNotifications } from './operations/chat';
import { DeliveryDashboard } from './operations/delivery-dashboard';
import { DriftDetection } from './operations/drift-detection';
import { applyStageConditions, stageConditions } from './stage-conditions';
import { lookupRoleArn } from './wave-gates';

/** The pipeline stack's name for a pipeline name (organization.yaml `pipeline.name`). */
export function pipelineStackName(pipelineName: string): string {
  return `${pipelineName}-pipeline`;
}

/**
 * Commands of the synth step: the setup a developer runs (npm ci, Go modules, moto into .venv),
 * the tests, the organization's accounts and OUs refreshed from AWS Organizations (so an account
 * vended since the last commit is in the plan), then the synth itself, which prints its delivery
 * metrics (EMF) into the build log, where CloudWatch Logs turns them into metrics.
 */
export function synthCommands(configPath: string): string[] {
  return ['bash scripts/setup.sh', 'npm test', `npm run accounts:sync -- --config ${configPath}`, `npm run synth -- --config ${configPath} --emit-metrics`];
}

/**
 * The CDK CLI and cdk-assets versions the pipeline installs (self-mutation, asset publishing): the
 * ones in package-lock.json, so the privileged steps run exactly what the tests ran.
 */
export function lockedToolVersions(): { cli: string; cdkAssets: string } {
  const version = (pkg: string) => (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  return { cli: version('aws-cdk'), cdkAssets: version('cdk-assets') };
}

/** Read-only AWS Organizations calls of the synth step's accounts:sync. */
export const ORGANIZATIONS_READ_ACTIONS = ['organizations:ListRoots', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'];

export interface DeliveryPipelineStackProps extends StackProps {
  readonly config: Config;
  /** The deployments; their shapes are measured on the stages built here. */
  readonly draft: DraftPlan;
  readonly registry: Registry;
  /** The --config directory relative to the repository, passed on to synth in the pipeline. */
  readonly configPath: string;
}

/**
 * The self-mutating delivery pipeline: source → synth (tests included) → self-mutation → assets →
 * one pipeline stage per wave (or several for a large wave of CDK Stages): each StackSet's stack,
 * each (pattern, account, Region) CDK Stage, approvals where asked.
 */
export class DeliveryPipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  readonly notifications: sns.Topic;
  /** Server access logs of the pipeline's buckets. */
  readonly accessLogs: s3.Bucket;
  /** The plan, shaped by what the stages below synthesize. */
  readonly plan: Plan;

  constructor(scope: Construct, id: string, props: DeliveryPipelineStackProps) {
    super(scope, id, props);
    const { organization } = props.config;
    const org = organizationContext(props.config);

    // Build every stage first and ask it what it deploys; the quotas are checked on that, before the pipeline is built.
    const deployments = props.draft.waves.flatMap((w) => w.deployments);
    const stages = new Map(deployments.map((d) => [d.id, createDeploymentStage(this, d, props.registry, org)]));
    const shapes = new Map<string, DeploymentShape>(deployments.map((d) => [d.id, measureStage(stages.get(d.id)!, d)]));
    const shaped = shapePlan(props.draft, shapes);
    if (!shaped.plan) throw new ConfigError(shaped.issues);
    this.plan = shaped.plan;

    const source = CodePipelineSource.connection(organization.pipeline.repository, organization.pipeline.branch, {
      connectionArn: organization.pipeline.connectionArn,
      triggerOnPush: true,
    });
    const key = patternKey(this, 'Key', 'platform-delivery: build logs and notifications');
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    this.accessLogs = accessLogsBucket(this, 'AccessLogs');
    const tools = lockedToolVersions();
    const synth = new ShellStep('Synth', { input: source, installCommands: ['node --version', 'go version'], commands: synthCommands(props.configPath) });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: props.draft.pipelineName,
      cliVersion: tools.cli,
      cdkAssetsCliVersion: tools.cdkAssets,
      pipelineType: PipelineType.V2,
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      // One publishing action for every file asset (cdk-assets uploads them in turn): the Assets stage
      // stays one action as patterns and functions are added, instead of one action per asset.
      publishAssetsInParallel: false,
      // One Deploy action per stack instead of Prepare + Execute (see ACTIONS_PER_STACK).
      useChangeSets: false,
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      synth,
      codeBuildDefaults: {
        logging: { cloudWatch: { logGroup: buildLogs } },
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.MEDIUM },
        timeout: Duration.minutes(60),
      },
      synthCodeBuildDefaults: {
        // accounts:sync reads the organization; these list calls accept no narrower resource.
        rolePolicy: [new iam.PolicyStatement({ actions: ORGANIZATIONS_READ_ACTIONS, resources: ['*'] })],
        partialBuildSpec: codebuild.BuildSpec.fromObject({
          // Node, Go and Python for the synth step; Go fetches the toolchain go.mod asks for (GOTOOLCHAIN=auto).
          phases: { install: { 'runtime-versions': { nodejs: '22', golang: '1.24', python: '3.12' } } },
        }),
      },
    });

    // Before each approval: what the wave will change against what is deployed now, written where the approval links.
    const summaries = this.plan.waves.some((w) => w.approval) ? this.changeSummaryBucket(key, organization.management.organizationId) : undefined;
    for (const wave of this.plan.waves) {
      for (const part of wave.parts) {
        const pre = part.approval && summaries ? this.approvalSteps(wave, summaries, source, synth, key, props.configPath) : [];
        const pipelineWave = this.pipeline.addWave(part.name, { pre });
        for (const id of part.deployments) pipelineWave.addStage(stages.get(id)!);
      }
    }
    this.pipeline.buildPipeline();
    this.allowCodeConnections(organization.pipeline.connectionArn);

    this.hardenGeneratedBuckets();
    this.acknowledgeGeneratedRoles();

    // Pipeline failures, approval requests, bake failures and dead letters, to the platform team.
    allowServiceToUseKey(key, 'CodeStarNotifications', 'codestar-notifications.amazonaws.com', { StringEquals: { 'kms:ViaService': `sns.${this.region}.amazonaws.com` } });
    this.notifications = new sns.Topic(this, 'Notifications', { displayName: 'platform-delivery pipeline', masterKey: key, enforceSSL: true });
    for (const email of organization.pipeline.notify) subscribeEmail(this.notifications, email);

    // Scheduled drift detection of everything the pipeline deploys.
    if (organization.operations.driftDetection.enabled) {
      new DriftDetection(this, 'DriftDetection', {
        plan: this.plan,
        key,
        topic: this.notifications,
        accessLogs: this.accessLogs,
        schedule: events.Schedule.expression(organization.operations.driftDetection.schedule),
      });
    }

    // Notices in chat, when organization.yaml asks for it.
    if (organization.operations.chat) new ChatNotifications(this, 'Chat', { chat: organization.operations.chat, topic: this.notifications, name: this.plan.pipelineName });

    // The delivery metrics' dashboard and alarms.
    new DeliveryDashboard(this, 'Delivery', { pipelineName: this.plan.pipelineName, topic: this.notifications, baselineObjectiveMinutes: organization.operations.baselineObjectiveMinutes });

    // Wave gates and rollback: CodePipeline V2 stage conditions, on the pipeline CDK Pipelines generated.
    const bakeGate = this.plan.waves.some((w) => w.gate.bake) ? this.bakeGateFunction(key) : undefined;
    applyStageConditions(this.pipeline.pipeline, stageConditions(this.plan, bakeGate?.functionName), organization.pipeline.executionMode);
    this.pipeline.pipeline.notifyOn('PipelineEvents', this.notifications, {
      events: [
        PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
        PipelineNotificationEvents.ACTION_EXECUTION_FAILED,
        PipelineNotificationEvents.STAGE_EXECUTION_FAILED,
        PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED,
        PipelineNotificationEvents.MANUAL_APPROVAL_FAILED,
      ],
    });
  }

  /** Change summaries for the approvals: KMS-encrypted, private, readable by principals of the organization only. */
  private changeSummaryBucket(key: ReturnType<typeof patternKey>, organizationId: string | undefined): s3.Bucket {
    const bucket = dataBucket(this, 'ChangeSummaries', { key, accessLogs: this.accessLogs, accessLogsPrefix: 'change-summaries/', noncurrentVersionDays: 365 });
    if (organizationId)
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [bucket.arnForObjects('*')],
          conditions: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId } },
        }),
      );
    return bucket;
  }

  /**
   * A wave's approval: a CodeBuild step writes the change summary (npm run change-summary: the
   * synthesized templates against what is deployed now), then the approval links to it. One wave
   * stage holds one execution at a time, so the wave's `latest` object is the one being approved.
   */
  private approvalSteps(wave: Plan['waves'][number], bucket: s3.Bucket, source: CodePipelineSource, synth: ShellStep, key: ReturnType<typeof patternKey>, configPath: string) {
    const objectKey = `change-summaries/${wave.name}/latest.txt`;
    const lookupRoles = new Set<string>();
    const stackSets: string[] = [];
    const stacks: string[] = [];
    for (const d of wave.deployments) {
      const [account, region] = d.kind === 'stage' ? [d.accountId, d.region] : [d.adminAccountId, d.region];
      if (account !== this.account) lookupRoles.add(lookupRoleArn(this.partition, account, region));
      else if (d.kind === 'stackset') stackSets.push(`arn:${this.partition}:cloudformation:${region}:${account}:stackset/${d.stackSetName}:*`);
      if (account === this.account) stacks.push(`arn:${this.partition}:cloudformation:${region}:${account}:stack/${d.stackName}/*`);
    }
    const statements = [
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`change-summaries/${wave.name}/*`)] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [key.keyArn] }),
      ...(lookupRoles.size ? [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [...lookupRoles].sort() })] : []),
      ...(stackSets.length ? [new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackSet'], resources: stackSets })] : []),
      ...(stacks.length ? [new iam.PolicyStatement({ actions: ['cloudformation:GetTemplate'], resources: stacks })] : []),
    ];
    const summary = new CodeBuildStep(`ChangeSummary-${wave.name}`, {
      input: source,
      additionalInputs: { 'cdk.out': synth },
      installCommands: ['node --version'],
      commands: ['npm ci --no-audit --no-fund --ignore-scripts', `npm run change-summary -- --config ${configPath} --assembly cdk.out --wave ${wave.name} --bucket $SUMMARY_BUCKET --key ${objectKey}`],
      env: { SUMMARY_BUCKET: bucket.bucketName },
      rolePolicyStatements: statements,
    });
    const reviewUrl = `https://console.aws.amazon.com/s3/object/${bucket.bucketName}?region=${this.region}&prefix=${objectKey}`;
    const approval = new ManualApprovalStep(`Approve-${wave.name}`, { comment: approvalComment(wave), reviewUrl });
    approval.addStepDependency(summary);
    return [summary, approval];
  }

  /**
   * The bake gate (functions/delivery/bake-gate), run by the pipeline's entry rules: it reads the
   * previous wave's alarms in its sampled accounts through their CDK lookup roles (read-only).
   */
  private bakeGateFunction(key: ReturnType<typeof patternKey>): lambda.IFunction {
    const dlq = deadLetterQueue(this, 'BakeGateDlq', key, 'the bake gate function');
    const gate = new PatternFunction(this, 'BakeGate', {
      entry: 'delivery/bake-gate/index.ts',
      description: "platform-delivery: bake gate, the previous wave's alarms before a wave enters",
      environment: { PIPELINE_NAME: this.plan.pipelineName, TOPIC_ARN: this.notifications.topicArn },
      timeout: Duration.minutes(15),
      logRetention: logs.RetentionDays.ONE_YEAR,
      key,
      deadLetterQueue: dlq,
      noVpcReason: 'Calls only AWS APIs (CodePipeline, STS, CloudWatch in the target accounts, SNS); the management account keeps no VPC for the pipeline.',
    });
    alarmOnWaitingMessages(this, 'BakeGateDlqAlarm', dlq, this.notifications, 'A bake gate invocation failed after Lambda retries: the wave it guards did not get an answer; see the function logs.');
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey', 'kms:Decrypt');
    const pipelineArn = this.formatArn({ service: 'codepipeline', resource: this.plan.pipelineName });
    gate.role.addToPolicy(new iam.PolicyStatement({ actions: ['codepipeline:GetPipelineState'], resources: [pipelineArn] }));
    // PutJobSuccessResult and PutJobFailureResult accept no resource: a job is named by its id only.
    gate.role.addToPolicy(new iam.PolicyStatement({ actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'], resources: ['*'] }));
    const roles = [...new Set(this.plan.waves.flatMap((w) => w.gate.bake?.targets.flatMap((t) => t.regions.map((r) => lookupRoleArn(this.partition, t.accountId, r.region))) ?? []))].sort();
    gate.role.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles }));
    // Publishing to the encrypted topic: sns:Publish on it, and the two key actions SNS uses for the caller.
    gate.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.notifications.topicArn] }));
    key.grant(gate.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    gate.fn.grantInvoke(this.pipeline.pipeline.role);
    Validations.of(gate.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'codepipeline:PutJobSuccessResult and PutJobFailureResult take no resource ARN (the job is named by its id); X-Ray writes take none either. Every other action names its resources.',
    });
    return gate.fn;
  }

  /**
   * CDK grants the source action the legacy `codestar-connections:UseConnection`; AWS CodeConnections
   * (the `arn:…:codeconnections:` connections it creates today) authorizes `codeconnections:UseConnection`.
   * Grant both, on the one connection.
   */
  private allowCodeConnections(connectionArn: string): void {
    // The source action's role is made when the action binds, below the pipeline's Source stage.
    const sourceRoles = (this.pipeline.pipeline.node.tryFindChild('Source')?.node.findAll() ?? []).filter((c): c is iam.Role => c instanceof iam.Role);
    if (sourceRoles.length === 0) throw new Error('the pipeline has no source action role to grant codeconnections:UseConnection to');
    for (const role of sourceRoles) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [connectionArn] }));
  }

  /** CDK Pipelines makes the artifact and cross-Region replication buckets; bring them to our standard. */
  private hardenGeneratedBuckets(): void {
    const codePipeline = this.pipeline.pipeline;
    hardenGeneratedBucket(codePipeline.artifactBucket, this.accessLogs, 'artifacts/', 180);
    for (const [region, support] of Object.entries(codePipeline.crossRegionSupport)) {
      hardenGeneratedBucket(support.replicationBucket, accessLogsBucket(support.stack, `AccessLogs-${region}`), 'replication/', 180);
    }
  }

  /** CDK Pipelines generates these roles; say why their wildcards are acceptable. */
  private acknowledgeGeneratedRoles(): void {
    for (const role of this.pipeline.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role)) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5',
        reason:
          'Generated by CDK Pipelines. Its wildcards are scoped to the pipeline artifact bucket and key, its own CodeBuild log and report groups, and the CDK bootstrap roles (aws-cdk:bootstrap-role tag condition); cloudformation:DescribeStacks and codebuild build control accept no narrower resource here.',
      });
    }
  }
}

/** What the approver is asked to let through: the patterns, and how many accounts and Regions they reach. */
function approvalComment(wave: Plan['waves'][number]): string {
  const patterns = [...new Set(wave.deployments.map((d) => d.pattern))].join(', ');
  const instances = new Set(wave.deployments.flatMap((d) => (d.kind === 'stackset' ? d.instances.map((i) => `${i.accountId}/${i.region}`) : [`${d.accountId}/${d.region}`])));
  const stackSets = wave.deployments.filter((d) => d.kind === 'stackset').length;
  return `Approve wave "${wave.name}": ${patterns}; ${instances.size} account-Region targets today${stackSets ? ` (${stackSets} StackSets, which also reach accounts that join their OUs later)` : ''}`;
}
