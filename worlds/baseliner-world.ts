/**
 * A simulated management account for the baseliner: Organizations, S3 (config bucket), Service
 * Catalog (products, portfolios, constraints, records), Step Functions (StartExecution runs the
 * synthesized ASL locally), SNS, CodePipeline and the tracking table, all behind aws-sdk-client-mock.
 */
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AssociatePrincipalWithPortfolioCommand,
  CreateConstraintCommand,
  DescribeConstraintCommand,
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  ListConstraintsForPortfolioCommand,
  ListPortfoliosCommand,
  ListPrincipalsForPortfolioCommand,
  ListProvisioningArtifactsCommand,
  ProvisionProductCommand,
  ResourceNotFoundException,
  SearchProductsAsAdminCommand,
  SearchProvisionedProductsCommand,
  TerminateProvisionedProductCommand,
  ServiceCatalogClient,
  UpdateConstraintCommand,
  UpdateProvisionedProductCommand,
} from '@aws-sdk/client-service-catalog';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { useClock, useRealClock } from '../functions/baseliner/shared/clock';
import { baselinerDefinition, enrollmentGate, runBaseline, synthesizeBaseliner, type RunResult } from './baseliner-asl';
import { fakeTrackingTable } from './fake-dynamodb';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:BaselinerWorkflow';

/** Statuses DescribeRecord returns for a provisioned product, one per call (the last repeats). */
export type RecordScript = Array<'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED'>;

const definition = baselinerDefinition(synthesizeBaseliner().template);

export class BaselinerWorld {
  readonly sc = mockClient(ServiceCatalogClient);
  readonly s3 = mockClient(S3Client);
  readonly orgs = mockClient(OrganizationsClient);
  readonly sfn = mockClient(SFNClient);
  readonly sns = mockClient(SNSClient);
  readonly pipeline = mockClient(CodePipelineClient);
  readonly table = fakeTrackingTable();
  readonly runs = new Map<string, RunResult>();
  readonly inputs = new Map<string, Record<string, unknown>>();
  /** Per provisioned product name; products not listed succeed on the first poll. */
  readonly scripts = new Map<string, RecordScript>();
  readonly provisioned = new Set<string>();
  /** The enrollment scenario (testdata/scenarios.json) the gate plays per account; enrolledAtOnce when not set. */
  readonly enrollment = new Map<string, string>();
  private readonly polls = new Map<string, number>();
  private readonly terminating = new Set<string>();
  /** Virtual time of the handlers: sleeps and Wait states advance it at once. */
  now = Date.now();

  /** `versions`: each product's provisioning artifacts, oldest first; the last is the newest. All are active. */
  constructor(files: Record<string, string>, versions: readonly string[] = ['v1', 'v2']) {
    files = { 'governed.json': JSON.stringify({ organizationalUnits: ['Workloads', 'Workloads/Dev', 'Workloads/Prod'] }), ...files };
    process.env.TABLE_NAME = 'tracking';
    process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:baseliner';
    process.env.PIPELINE_NAME = 'platform-delivery';
    process.env.CONFIG_BUCKET = 'config-bucket';
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.MANAGEMENT_ACCOUNT_ID = '111111111111';
    process.env.PROVISIONING_ROLE_ARN = 'arn:aws:iam::111111111111:role/baseliner-steps';
    process.env.MAX_POLLS = '5';
    process.env.ORGANIZATION_ID = 'o-a1b2c3d4e5';
    process.env.ENROLLMENT_GATE = 'on';
    process.env.ENROLLMENT_MAX_CHECKS = '4';
    process.env.RECONCILE_MAX_STARTS = '25';
    process.env.RECONCILE_MAX_ATTEMPTS = '3';
    useClock(
      () => this.now,
      async (ms) => {
        this.now += ms;
      },
    );

    this.s3.on(GetObjectCommand).callsFake((input) => {
      const text = files[input.Key];
      if (text === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      // The part of the SDK's streaming body the handler uses.
      return { Body: { transformToString: async () => text } as never, VersionId: input.VersionId ?? 'v1' };
    });
    this.organization();
    this.catalog(versions);
    this.sns.on(PublishCommand).resolves({ MessageId: 'm' });
    this.pipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'pe-1' });
    this.sfn.on(DescribeExecutionCommand).callsFake((input) => {
      const name = String(input.executionArn).split(':').pop()!;
      if (!this.inputs.has(name)) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${input.executionArn}'`, $metadata: {} });
      return { executionArn: input.executionArn, status: this.runs.get(name)?.status ?? 'RUNNING' };
    });
    this.sfn.on(StartExecutionCommand).callsFake(async (input) => {
      const parsed = JSON.parse(input.input);
      if (this.inputs.has(input.name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${input.name}'`, $metadata: {} });
      this.inputs.set(input.name, parsed);
      const gate = enrollmentGate(this.enrollment.get(parsed.accountId) ?? 'enrolledAtOnce');
      this.runs.set(
        input.name,
        await runBaseline(
          definition,
          parsed,
          input.name,
          (state, payload) => {
            const record = (payload as { record?: { waitSeconds: number } }).record;
            if (state === 'PollRecord' && record) this.now += record.waitSeconds * 1000;
          },
          (payload) => {
            // WaitForEnrollment waited this long before the check.
            if (Number(payload.checks) > 0) this.now += Number(payload.waitSeconds) * 1000;
            return gate(payload);
          },
        ),
      );
      return { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date() };
    });
  }

  /** Where each account is: moveAccount changes it, as Organizations MoveAccount would. */
  readonly accounts: Record<string, string[]> = {
    'r-root': ['111111111111'],
    'ou-dev': ['444444444444'],
    'ou-prod': ['666666666666', '888888888888'],
    'ou-crit': ['777777777777'],
    'ou-susp': ['555555555555'],
  };

  moveAccount(accountId: string, to: string): void {
    for (const ids of Object.values(this.accounts)) if (ids.includes(accountId)) ids.splice(ids.indexOf(accountId), 1);
    (this.accounts[to] ??= []).push(accountId);
  }

  /** Root → Workloads → {Dev, Prod → Critical}, and Suspended (not governed); accounts 444 (Dev), 666 (Prod), 777 (Prod/Critical), 888 new in Prod, 555 in Suspended. */
  private organization(): void {
    const o = this.orgs;
    o.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-root' }] });
    const ous: Record<string, Array<{ Id: string; Name: string }>> = {
      'r-root': [
        { Id: 'ou-work', Name: 'Workloads' },
        { Id: 'ou-susp', Name: 'Suspended' },
      ],
      'ou-work': [
        { Id: 'ou-dev', Name: 'Dev' },
        { Id: 'ou-prod', Name: 'Prod' },
      ],
      'ou-prod': [{ Id: 'ou-crit', Name: 'Critical' }],
    };
    const accounts = this.accounts;
    o.on(ListOrganizationalUnitsForParentCommand).callsFake((i) => ({ OrganizationalUnits: ous[i.ParentId] ?? [] }));
    o.on(ListAccountsForParentCommand).callsFake((i) => ({
      Accounts: (accounts[i.ParentId] ?? []).map((Id) => ({ Id, Name: `acct-${Id.slice(0, 3)}`, Email: `${Id}@example.com`, State: 'ACTIVE' })),
    }));
  }

  private catalog(versions: readonly string[]): void {
    const sc = this.sc;
    sc.on(SearchProductsAsAdminCommand).callsFake((i) => {
      const name = i.Filters.FullTextSearch[0];
      return { ProductViewDetails: [{ ProductViewSummary: { Name: name, ProductId: `prod-${name}` } }] };
    });
    sc.on(ListPortfoliosCommand).resolves({ PortfolioDetails: [{ Id: 'port-1', DisplayName: 'platform-baseline' }] });
    sc.on(ListProvisioningArtifactsCommand).callsFake((i) => ({
      ProvisioningArtifactDetails: versions.map((v, n) => ({ Id: `${i.ProductId}-${v}`, Name: v, Active: true, CreatedTime: new Date(Date.UTC(2026, n, 1)) })),
    }));
    sc.on(ListPrincipalsForPortfolioCommand).resolves({ Principals: [] });
    sc.on(AssociatePrincipalWithPortfolioCommand).resolves({});
    sc.on(ListConstraintsForPortfolioCommand).resolves({ ConstraintDetails: [] });
    sc.on(DescribeConstraintCommand).resolves({});
    sc.on(CreateConstraintCommand).resolves({});
    sc.on(UpdateConstraintCommand).resolves({});
    sc.on(DescribeProvisionedProductCommand).callsFake((i) => {
      if (this.provisioned.has(i.Name)) return { ProvisionedProductDetail: { Name: i.Name, Status: 'AVAILABLE' } };
      throw new ResourceNotFoundException({ message: `Provisioned product not found: ${i.Name}`, $metadata: {} });
    });
    sc.on(SearchProvisionedProductsCommand).callsFake((i) => {
      const names = [...this.provisioned].sort();
      const start = i.PageToken ? Number(i.PageToken) : 0;
      const size = i.PageSize ?? 20;
      const next = start + size < names.length ? String(start + size) : undefined;
      return { ProvisionedProducts: names.slice(start, start + size).map((Name) => ({ Name, Status: 'AVAILABLE' })), NextPageToken: next };
    });
    // A product counts as provisioned once its record succeeded (see DescribeRecord below).
    sc.on(ProvisionProductCommand).callsFake((i) => ({ RecordDetail: { RecordId: `rec-${i.ProvisionedProductName}`, Status: 'CREATED' } }));
    sc.on(TerminateProvisionedProductCommand).callsFake((i) => {
      this.terminating.add(i.ProvisionedProductName);
      return { RecordDetail: { RecordId: `rec-${i.ProvisionedProductName}`, Status: 'CREATED' } };
    });
    sc.on(UpdateProvisionedProductCommand).callsFake((i) => ({ RecordDetail: { RecordId: `rec-${i.ProvisionedProductName}`, Status: 'CREATED' } }));
    sc.on(DescribeRecordCommand).callsFake((i) => {
      const name = String(i.Id).replace(/^rec-/, '');
      const n = this.polls.get(name) ?? 0;
      this.polls.set(name, n + 1);
      const script = this.scripts.get(name) ?? ['SUCCEEDED'];
      const status = script[Math.min(n, script.length - 1)];
      if (status === 'SUCCEEDED' && this.terminating.delete(name)) this.provisioned.delete(name);
      else if (status === 'SUCCEEDED') this.provisioned.add(name);
      return {
        RecordDetail: { RecordId: i.Id, Status: status, RecordErrors: status === 'FAILED' ? [{ Code: 'CREATE_FAILED', Description: 'Resource handler returned message: "Access Denied"' }] : [] },
      };
    });
  }

  pollsOf(provisionedProductName: string): number {
    return this.polls.get(provisionedProductName) ?? 0;
  }

  /** SNS messages, parsed, with their subjects. */
  messages(): Array<{ subject: string; body: Record<string, unknown> }> {
    return this.sns.commandCalls(PublishCommand).map((c) => ({ subject: String(c.args[0].input.Subject), body: JSON.parse(String(c.args[0].input.Message)) }));
  }

  restore(): void {
    for (const m of [this.sc, this.s3, this.orgs, this.sfn, this.sns, this.pipeline, this.table.mock]) m.restore();
    useRealClock();
  }
}

export function controlTowerEvent(accountId: string, ou: { name: string; id: string }, eventName: 'CreateManagedAccount' | 'UpdateManagedAccount' = 'CreateManagedAccount', state = 'SUCCEEDED') {
  const statusKey = eventName === 'CreateManagedAccount' ? 'createManagedAccountStatus' : 'updateManagedAccountStatus';
  return {
    version: '0',
    id: '999cccaa-eaaa-0000-1111-123456789012',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.controltower',
    account: '111111111111',
    time: '2026-11-29T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: '111111111111', invokedBy: 'AWS Internal' },
      eventTime: '2026-11-29T10:00:00Z',
      eventSource: 'controltower.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      eventID: '0000000-0000-0000-1111-123456789012',
      readOnly: false,
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        [statusKey]: {
          organizationalUnit: { organizationalUnitName: ou.name, organizationalUnitId: ou.id },
          account: { accountName: `acct-${accountId.slice(0, 3)}`, accountId },
          state,
          message: 'AWS Control Tower successfully created a managed account.',
          requestedTimestamp: '2026-11-29T09:30:00+0000',
          completedTimestamp: '2026-11-29T10:00:00+0000',
        },
      },
    },
  };
}

/** An S3 notification for `key`, encoded as S3 encodes it (or, with encode: false, as given: a malformed key). */
export function s3PutEvent(key: string, options: { versionId?: string; encode?: boolean } | string = {}) {
  const { versionId = 'ver-1', encode = true } = typeof options === 'string' ? { versionId: options } : options;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-11-29T10:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AROAEXAMPLE' },
        requestParameters: { sourceIPAddress: '10.0.0.1' },
        responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'updates',
          bucket: { name: 'config-bucket', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::config-bucket' },
          object: {
            key: encode ? encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+') : key,
            size: 512,
            eTag: 'd41d8cd98f00b204e9800998ecf8427e',
            versionId,
            sequencer: '0055AED6DCD90281E5',
          },
        },
      },
    ],
  };
}

/** Organizations MoveAccount as CloudTrail delivers it through EventBridge (in us-east-1). */
export function moveAccountEvent(accountId: string, from: string, to: string, options: { errorCode?: string } = {}) {
  return {
    version: '0',
    id: 'b1c2d3e4-0000-4000-8000-00000000a001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.organizations',
    account: '111111111111',
    time: '2026-11-30T08:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:platform-admin', arn: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin/platform-admin', accountId: '111111111111' },
      eventTime: '2026-11-30T08:00:00Z',
      eventSource: 'organizations.amazonaws.com',
      eventName: 'MoveAccount',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.22.0',
      ...(options.errorCode ? { errorCode: options.errorCode, errorMessage: 'You specified an account that does not exist.' } : {}),
      requestParameters: { accountId, sourceParentId: from, destinationParentId: to },
      responseElements: null,
      requestID: '5d5f2a36-0000-4000-8000-000000000001',
      eventID: '7f9c4a10-0000-4000-8000-000000000001',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '111111111111',
      eventCategory: 'Management',
    },
  };
}

/** A Control Tower baseline lifecycle event on an OU or account target. */
export function baselineEvent(eventName: 'EnableBaseline' | 'ResetEnabledBaseline' | 'UpdateEnabledBaseline', target: string, state = 'SUCCEEDED') {
  const statusKey = `${eventName[0].toLowerCase()}${eventName.slice(1)}Status`;
  return {
    version: '0',
    id: 'c1d2e3f4-0000-4000-8000-00000000b001',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.controltower',
    account: '111111111111',
    time: '2026-11-30T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: '111111111111', invokedBy: 'AWS Internal' },
      eventTime: '2026-11-30T09:00:00Z',
      eventSource: 'controltower.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      eventID: '0000000-0000-0000-2222-123456789012',
      readOnly: false,
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        [statusKey]: {
          enabledBaselineDetails: {
            arn: 'arn:aws:controltower:us-east-1:111111111111:enabledbaseline/XOM12BEL4YD578CQ2',
            baselineIdentifier: 'arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2',
            baselineVersion: '4.0',
            targetIdentifier: target,
            statusSummary: { status: state },
          },
          state,
          message: `AWS Control Tower ${state === 'SUCCEEDED' ? 'successfully' : 'could not'} ${eventName}`,
          requestedTimestamp: '2026-11-30T08:30:00+0000',
          completedTimestamp: '2026-11-30T09:00:00+0000',
        },
      },
    },
  };
}

/** EventBridge's scheduled event, as the reconcile rule sends it. */
export function scheduledEvent() {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '111111111111',
    time: '2026-11-30T10:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:111111111111:rule/platform-baseliner-Reconcile'],
    detail: {},
  };
}

export const accountArn = (id: string) => `arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/${id}`;
export const ouArn = (id: string) => `arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/${id}`;
