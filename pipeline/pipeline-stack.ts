import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { PipelineNotificationEvents, PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import type { Config } from '../accounts/loader';
import { accessLogsBucket, hardenGeneratedBucket } from '../stages/shared/buckets';
import { allowServiceToUseKey, patternKey } from '../stages/shared/pattern-key';
import type { Registry } from '../stages/types';
import { organizationContext } from './organization-context';
import type { Plan } from './planner';

export const PIPELINE_NAME = 'platform-delivery';
export const PIPELINE_STACK_NAME = 'platform-delivery-pipeline';

/**
 * Commands of the synth step: the setup a developer runs (npm ci, Go modules, moto into .venv),
 * the tests, then the synth itself.
 */
export const SYNTH_COMMANDS = ['bash scripts/setup.sh', 'npm test', 'npx cdk synth'];

export interface DeliveryPipelineStackProps extends StackProps {
  readonly config: Config;
  readonly plan: Plan;
  readonly registry: Registry;
  /** The --config directory relative to the repository, passed on to synth in the pipeline. */
  readonly configPath: string;
}

/**
 * The self-mutating delivery pipeline: source → synth (tests included) → self-mutation → assets →
 * one pipeline stage per wave, each (pattern, account, Region) a CDK Stage, approvals where asked.
 */
export class DeliveryPipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  readonly notifications: sns.Topic;

  constructor(scope: Construct, id: string, props: DeliveryPipelineStackProps) {
    super(scope, id, props);
    const { organization } = props.config;

    const source = CodePipelineSource.connection(organization.pipeline.repository, organization.pipeline.branch, {
      connectionArn: organization.pipeline.connectionArn,
      triggerOnPush: true,
    });
    const key = patternKey(this, 'Key', 'platform-delivery: build logs and notifications');
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: PIPELINE_NAME,
      pipelineType: PipelineType.V2,
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      publishAssetsInParallel: true,
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      synth: new ShellStep('Synth', {
        input: source,
        installCommands: ['node --version', 'go version'],
        commands: [...SYNTH_COMMANDS.slice(0, -1), `npx cdk synth -c config=${props.configPath}`],
      }),
      codeBuildDefaults: {
        logging: { cloudWatch: { logGroup: buildLogs } },
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.MEDIUM },
        timeout: Duration.minutes(60),
      },
      synthCodeBuildDefaults: {
        partialBuildSpec: codebuild.BuildSpec.fromObject({
          // Node, Go and Python for the synth step; Go fetches the toolchain go.mod asks for (GOTOOLCHAIN=auto).
          phases: { install: { 'runtime-versions': { nodejs: '22', golang: '1.24', python: '3.12' } } },
        }),
      },
    });

    for (const wave of props.plan.waves) {
      const pipelineWave = this.pipeline.addWave(wave.name, {
        pre: wave.approval
          ? [new ManualApprovalStep(`Approve-${wave.name}`, { comment: `Approve wave "${wave.name}": ${wave.stages.length} stages (${[...new Set(wave.stages.map((s) => s.pattern))].join(', ')})` })]
          : [],
      });
      for (const planned of wave.stages) {
        const definition = props.registry.patterns.get(planned.pattern)!;
        const stage = definition.createStage(this, planned.id, {
          env: { account: planned.accountId, region: planned.region },
          target: { accountName: planned.accountName, accountId: planned.accountId, region: planned.region },
          parameters: planned.parameters,
          organization: organizationContext(props.config),
        });
        pipelineWave.addStage(stage);
      }
    }
    this.pipeline.buildPipeline();

    this.hardenGeneratedBuckets();
    this.acknowledgeGeneratedRoles();

    // Pipeline failures and approval requests, to the platform team.
    allowServiceToUseKey(key, 'CodeStarNotifications', 'codestar-notifications.amazonaws.com', { StringEquals: { 'kms:ViaService': `sns.${this.region}.amazonaws.com` } });
    this.notifications = new sns.Topic(this, 'Notifications', { displayName: 'platform-delivery pipeline', masterKey: key, enforceSSL: true });
    for (const email of organization.pipeline.notify) this.notifications.addSubscription(new subscriptions.EmailSubscription(email));
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

  /** CDK Pipelines makes the artifact and cross-Region replication buckets; bring them to our standard. */
  private hardenGeneratedBuckets(): void {
    const codePipeline = this.pipeline.pipeline;
    hardenGeneratedBucket(codePipeline.artifactBucket, accessLogsBucket(this, 'AccessLogs'), 'artifacts/', 180);
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
