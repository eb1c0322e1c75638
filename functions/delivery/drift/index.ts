/**
 * The steps of the scheduled drift detection, one Lambda for the state machine's tasks: start a
 * detection (DetectStackDrift through the target account's CDK lookup role, DetectStackSetDrift in
 * the StackSet's administrator account), check it, collect what drifted, and write the reconcile
 * report (S3) and its summary (SNS, and a DriftedStacks metric in Embedded Metric Format).
 * Errors leave classified (drift.ts): the state machine retries Throttled and records AccessDenied
 * and StackGone as outcomes.
 */
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStackSetOperationCommand,
  DetectStackDriftCommand,
  DetectStackSetDriftCommand,
  ListStackInstanceResourceDriftsCommand,
  ListStackInstancesCommand,
  type StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { DELIVERY_METRICS, DELIVERY_NAMESPACE } from '../../../accounts/delivery-metrics';
import { assumeRole, bootstrapRoleArn } from '../../shared/assume-role';
import { MalformedEventError } from '../../shared/malformed-event';
import { buildReport, classify, describeTarget, DriftTarget, summaryText, type DriftedResource, type TargetResult } from './drift';

/** Bounds: what one target's result may hold, so a Map of hundreds stays under Step Functions' 256 KB. */
export const MAX_RESOURCES = 20;
export const MAX_PROPERTIES = 10;
export const MAX_VALUE = 200;
export const MAX_PAGES = 5;

export interface Clients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly cloudFormation: (region: string, credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => CloudFormationClient;
}

export interface Environment {
  readonly managementAccount: string;
  readonly bucket: string;
  readonly topicArn: string;
  readonly qualifier: string;
}

const Detection = z.object({ detectionId: z.string().min(1).optional(), operationId: z.string().min(1).optional() });
const Event = z.discriminatedUnion('step', [
  z.object({ step: z.literal('start'), target: DriftTarget }),
  z.object({ step: z.literal('check'), target: DriftTarget, detection: Detection, attempts: z.number().int().min(0).default(0) }),
  z.object({ step: z.literal('collect'), target: DriftTarget, detection: Detection }),
  z.object({ step: z.literal('report'), results: z.array(z.unknown()) }),
]);

const metrics = new Metrics({ namespace: DELIVERY_NAMESPACE, serviceName: DELIVERY_METRICS.driftedStacks.service });

const defaultClients = (): Clients => ({
  sts: new STSClient({}),
  s3: new S3Client({}),
  sns: new SNSClient({}),
  cloudFormation: (region, credentials) => new CloudFormationClient({ region, credentials }),
});

function environment(): Environment {
  const { MANAGEMENT_ACCOUNT, REPORT_BUCKET, TOPIC_ARN } = process.env;
  if (!MANAGEMENT_ACCOUNT || !REPORT_BUCKET || !TOPIC_ARN) throw new Error('MANAGEMENT_ACCOUNT, REPORT_BUCKET and TOPIC_ARN must be set');
  return { managementAccount: MANAGEMENT_ACCOUNT, bucket: REPORT_BUCKET, topicArn: TOPIC_ARN, qualifier: process.env.BOOTSTRAP_QUALIFIER ?? 'hnb659fds' };
}

export const handler = (event: unknown) => runStep(event, defaultClients(), environment());

export async function runStep(event: unknown, aws: Clients, env: Environment, now: () => Date = () => new Date()): Promise<unknown> {
  const parsed = Event.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`not a drift detection step: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (e.step === 'report') return report(e.results as TargetResult[], aws, env, now());
  const where = describeTarget(e.target);
  try {
    const cfn = await cloudFormationFor(e.target, aws, env);
    if (e.step === 'start') return await start(e.target, cfn);
    if (e.step === 'check') return await check(e.target, e.detection, e.attempts, cfn);
    return await collect(e.target, e.detection, cfn);
  } catch (err) {
    throw classify(err, where);
  }
}

/**
 * CloudFormation in the target's account and Region: through the CDK lookup role there (ReadOnlyAccess:
 * drift detection reads every resource with the caller's permissions, which the deploy role lacks),
 * or directly in the management account.
 */
async function cloudFormationFor(t: DriftTarget, aws: Clients, env: Environment): Promise<CloudFormationClient> {
  if (t.accountId === env.managementAccount) return aws.cloudFormation(t.region);
  return aws.cloudFormation(t.region, await assumeRole(aws.sts, bootstrapRoleArn('lookup', t.accountId, t.region, env.qualifier), 'drift-detection'));
}

async function start(t: DriftTarget, cfn: CloudFormationClient) {
  if (t.kind === 'stack') return { detectionId: (await cfn.send(new DetectStackDriftCommand({ StackName: t.stackName }))).StackDriftDetectionId };
  const out = await cfn.send(
    new DetectStackSetDriftCommand({
      StackSetName: t.stackSetName,
      CallAs: t.callAs,
      OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 100, RegionConcurrencyType: 'PARALLEL' },
    }),
  );
  return { operationId: out.OperationId };
}

async function check(t: DriftTarget, d: z.output<typeof Detection>, attempts: number, cfn: CloudFormationClient) {
  if (t.kind === 'stack') {
    const s = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: d.detectionId }));
    return { done: s.DetectionStatus !== 'DETECTION_IN_PROGRESS', status: s.DetectionStatus, reason: s.DetectionStatusReason, attempts: attempts + 1 };
  }
  const op = (await cfn.send(new DescribeStackSetOperationCommand({ StackSetName: t.stackSetName, OperationId: d.operationId, CallAs: t.callAs }))).StackSetOperation;
  return { done: !['RUNNING', 'QUEUED', 'STOPPING'].includes(op?.Status ?? ''), status: op?.Status, reason: op?.StatusReason, attempts: attempts + 1 };
}

const cut = (s: string | undefined) => (s && s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s);

function resource(r: StackResourceDrift, instance?: string): DriftedResource {
  return {
    logicalId: r.LogicalResourceId ?? '?',
    type: r.ResourceType ?? '?',
    status: r.StackResourceDriftStatus ?? '?',
    ...(instance ? { instance } : {}),
    properties: (r.PropertyDifferences ?? [])
      .slice(0, MAX_PROPERTIES)
      .map((p) => ({ path: p.PropertyPath ?? '?', expected: cut(p.ExpectedValue), actual: cut(p.ActualValue), difference: p.DifferenceType })),
  };
}

async function collect(t: DriftTarget, d: z.output<typeof Detection>, cfn: CloudFormationClient): Promise<TargetResult> {
  const resources: DriftedResource[] = [];
  let truncated: boolean;
  if (t.kind === 'stack') {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await cfn.send(new DescribeStackResourceDriftsCommand({ StackName: t.stackName, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], NextToken: token }));
      resources.push(...(out.StackResourceDrifts ?? []).map((r) => resource(r)));
      token = out.NextToken;
      if (!token) break;
    }
    truncated = token !== undefined;
  } else {
    const instances = await cfn.send(new ListStackInstancesCommand({ StackSetName: t.stackSetName, CallAs: t.callAs, Filters: [{ Name: 'DRIFT_STATUS', Values: 'DRIFTED' }] }));
    truncated = instances.NextToken !== undefined;
    for (const i of instances.Summaries ?? []) {
      if (resources.length >= MAX_RESOURCES) break;
      const drifts = await cfn.send(
        new ListStackInstanceResourceDriftsCommand({
          StackSetName: t.stackSetName,
          StackInstanceAccount: i.Account,
          StackInstanceRegion: i.Region,
          OperationId: d.operationId,
          CallAs: t.callAs,
          StackInstanceResourceDriftStatuses: ['MODIFIED', 'DELETED'],
        }),
      );
      resources.push(
        ...(drifts.Summaries ?? []).map((r) =>
          resource(
            {
              LogicalResourceId: r.LogicalResourceId,
              ResourceType: r.ResourceType,
              StackResourceDriftStatus: r.StackResourceDriftStatus,
              PropertyDifferences: r.PropertyDifferences,
              StackId: r.StackId,
              Timestamp: r.Timestamp,
            },
            `${i.Account}/${i.Region}`,
          ),
        ),
      );
    }
  }
  if (resources.length > MAX_RESOURCES) truncated = true;
  return resources.length === 0 ? { target: t, status: 'IN_SYNC' } : { target: t, status: 'DRIFTED', resources: resources.slice(0, MAX_RESOURCES), truncated };
}

async function report(results: TargetResult[], aws: Clients, env: Environment, now: Date) {
  const r = buildReport(results, now);
  const key = `drift/${r.generatedAt.slice(0, 10)}/${r.generatedAt}.json`;
  await aws.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: JSON.stringify(r, null, 2), ContentType: 'application/json' }));
  const location = `s3://${env.bucket}/${key}`;
  await aws.sns.send(new PublishCommand({ TopicArn: env.topicArn, Subject: `Drift: ${r.counts.DRIFTED} drifted of ${r.targets}`, Message: summaryText(r, location) }));
  metrics.addMetric(DELIVERY_METRICS.driftedStacks.name, MetricUnit.Count, r.counts.DRIFTED);
  metrics.addMetric(DELIVERY_METRICS.driftUnchecked.name, MetricUnit.Count, r.counts.UNREADABLE + r.counts.FAILED + r.counts.TIMED_OUT);
  metrics.publishStoredMetrics();
  return { report: location, counts: r.counts };
}
