/**
 * The events that start a baseline, validated at the edge. Shapes as AWS delivers them: Control
 * Tower lifecycle events (accounts and baselines), Organizations MoveAccount through CloudTrail,
 * EventBridge Scheduler's scheduled events, all through EventBridge, and S3 object-created
 * notifications. Every account trigger becomes the same `AccountTrigger`.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../../../accounts/schema';
import { decodeS3Key } from '../../shared/s3-keys';
import { MalformedEventError } from '../../shared/malformed-event';

const status = z.object({
  state: z.string(),
  account: z.object({ accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: 'accountId is not a 12-digit account id' }), accountName: z.string().min(1) }),
  organizationalUnit: z.object({ organizationalUnitName: z.string().min(1), organizationalUnitId: z.string().min(1) }),
});

const ControlTowerEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.controltower'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  detail: z.object({
    eventName: z.enum(['CreateManagedAccount', 'UpdateManagedAccount']),
    serviceEventDetails: z.object({ createManagedAccountStatus: status.optional(), updateManagedAccountStatus: status.optional() }),
  }),
});

const S3Event = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:s3'),
        eventName: z.string().startsWith('ObjectCreated:'),
        s3: z.object({
          bucket: z.object({ name: z.string().min(1) }),
          object: z.object({ key: z.string().min(1), eTag: z.string().optional(), versionId: z.string().optional(), sequencer: z.string().optional() }),
        }),
      }),
    )
    .min(1),
});

/** S3 "Object Created" through EventBridge (the route the stage wires: no notification custom resource). */
const S3ObjectCreated = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), etag: z.string().optional(), 'version-id': z.string().optional() }),
  }),
});

/** Organizations MoveAccount, as CloudTrail records it ("AWS API Call via CloudTrail"). */
const MoveAccountEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.organizations'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: z.object({
    eventName: z.literal('MoveAccount'),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    requestParameters: z
      .object({
        accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: 'accountId is not a 12-digit account id' }),
        sourceParentId: z.string().min(1),
        destinationParentId: z.string().min(1),
      })
      .nullable(),
  }),
});

/**
 * Control Tower baseline lifecycle events (EnableBaseline, ResetEnabledBaseline,
 * UpdateEnabledBaseline). Their details carry an enabledBaselineDetails whose targetIdentifier is an
 * OU or account ARN; we take it from serviceEventDetails or from the `<name>Status` object in it.
 */
export const BASELINE_EVENT_NAMES = ['EnableBaseline', 'ResetEnabledBaseline', 'UpdateEnabledBaseline'] as const;
const EnabledBaselineDetails = z.object({
  arn: z.string().optional(),
  baselineIdentifier: z.string().optional(),
  targetIdentifier: z.string().regex(/^arn:aws[a-z-]*:organizations::\d{12}:(ou|account)\/o-[a-z0-9]+\/(ou-[a-z0-9-]+|\d{12})$/, { error: 'targetIdentifier is not an OU or account ARN' }),
  statusSummary: z.object({ status: z.string() }).optional(),
});
const BaselineEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.controltower'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  detail: z.object({ eventName: z.enum(BASELINE_EVENT_NAMES), serviceEventDetails: z.record(z.string(), z.unknown()) }),
});

/** EventBridge's scheduled event (the reconcile's hourly rule). */
const ScheduledEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.string().min(1),
});

export type TriggerSource = 'CreateManagedAccount' | 'UpdateManagedAccount' | 'MoveAccount' | (typeof BASELINE_EVENT_NAMES)[number] | 'reconcile';

/** One account to baseline, whatever the event: each becomes the same selection and key. */
export interface AccountTrigger {
  readonly kind: 'account';
  readonly source: TriggerSource;
  readonly eventId: string;
  readonly accountId: string;
  /** The OU the event names, used when Organizations does not list the account (yet). */
  readonly ouId?: string;
  /** Control Tower said the account is enrolled (a SUCCEEDED account event): the workflow's gate may skip. */
  readonly enrolled: boolean;
}

/** A baseline event on an OU: every account in it is looked at. */
export interface OuTrigger {
  readonly kind: 'ou';
  readonly source: (typeof BASELINE_EVENT_NAMES)[number];
  readonly eventId: string;
  readonly ouId: string;
}

export interface ReconcileTrigger {
  readonly kind: 'reconcile';
  readonly eventId: string;
  readonly time: string;
}

/** An event that is ours but asks for nothing (a failed move, a failed baseline operation). */
export interface IgnoredEvent {
  readonly kind: 'ignored';
  readonly reason: string;
}

export interface UpdateFileUploaded {
  readonly kind: 'update';
  readonly files: ReadonlyArray<{ bucket: string; key: string; versionId?: string; eTag?: string }>;
}

export type BaselineTrigger = AccountTrigger | OuTrigger | ReconcileTrigger | UpdateFileUploaded | IgnoredEvent;

/** What started us, or a MalformedEventError that says why the event is not one of ours. */
export function parseTrigger(event: unknown): BaselineTrigger {
  if (event && typeof event === 'object' && 'Records' in event) {
    const parsed = S3Event.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`not an S3 object-created event: ${describe(parsed.error)}`);
    return {
      kind: 'update',
      files: parsed.data.Records.map((r) => {
        // S3 URL-encodes keys in notifications, with "+" for spaces.
        const decoded = decodeS3Key(r.s3.object.key);
        if (!decoded.ok) throw new MalformedEventError(decoded.reason);
        return { bucket: r.s3.bucket.name, key: decoded.key, versionId: r.s3.object.versionId, eTag: r.s3.object.eTag };
      }),
    };
  }
  if (event && typeof event === 'object' && (event as { source?: unknown }).source === 'aws.s3') {
    const parsed = S3ObjectCreated.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`not an S3 Object Created event: ${describe(parsed.error)}`);
    const { bucket, object } = parsed.data.detail;
    return { kind: 'update', files: [{ bucket: bucket.name, key: object.key, versionId: object['version-id'], eTag: object.etag }] };
  }
  const source = event && typeof event === 'object' ? (event as { source?: unknown }).source : undefined;
  if (source === 'aws.organizations') return parseMove(event);
  if (source === 'aws.events') {
    const parsed = ScheduledEvent.safeParse(event);
    if (!parsed.success) throw new MalformedEventError(`not an EventBridge scheduled event: ${describe(parsed.error)}`);
    return { kind: 'reconcile', eventId: parsed.data.id, time: parsed.data.time };
  }
  const name = event && typeof event === 'object' ? (event as { detail?: { eventName?: unknown } }).detail?.eventName : undefined;
  if (typeof name === 'string' && (BASELINE_EVENT_NAMES as readonly string[]).includes(name)) return parseBaselineEvent(event);
  const parsed = ControlTowerEvent.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`not a Control Tower lifecycle event: ${describe(parsed.error)}`);
  const { eventName, serviceEventDetails } = parsed.data.detail;
  const detail = eventName === 'CreateManagedAccount' ? serviceEventDetails.createManagedAccountStatus : serviceEventDetails.updateManagedAccountStatus;
  if (!detail) throw new MalformedEventError(`${eventName} event without its ${eventName === 'CreateManagedAccount' ? 'createManagedAccountStatus' : 'updateManagedAccountStatus'}`);
  if (detail.state !== 'SUCCEEDED') throw new MalformedEventError(`${eventName} for ${detail.account.accountId} is ${detail.state}, not SUCCEEDED`);
  return { kind: 'account', source: eventName, eventId: parsed.data.id, accountId: detail.account.accountId, ouId: detail.organizationalUnit.organizationalUnitId, enrolled: true };
}

function parseMove(event: unknown): AccountTrigger | IgnoredEvent {
  const parsed = MoveAccountEvent.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`not an Organizations MoveAccount event: ${describe(parsed.error)}`);
  const { errorCode, errorMessage, requestParameters } = parsed.data.detail;
  if (errorCode) return { kind: 'ignored', reason: `MoveAccount failed (${errorCode}${errorMessage ? `: ${errorMessage}` : ''}): nothing moved` };
  if (!requestParameters) throw new MalformedEventError('MoveAccount event without its requestParameters');
  return { kind: 'account', source: 'MoveAccount', eventId: parsed.data.id, accountId: requestParameters.accountId, ouId: requestParameters.destinationParentId, enrolled: false };
}

function parseBaselineEvent(event: unknown): AccountTrigger | OuTrigger | IgnoredEvent {
  const parsed = BaselineEvent.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`not a Control Tower baseline event: ${describe(parsed.error)}`);
  const { eventName, serviceEventDetails } = parsed.data.detail;
  const nested = Object.values(serviceEventDetails).find((v): v is { enabledBaselineDetails: unknown; state?: unknown } => !!v && typeof v === 'object' && 'enabledBaselineDetails' in v);
  const raw = serviceEventDetails.enabledBaselineDetails ?? nested?.enabledBaselineDetails;
  if (raw === undefined) throw new MalformedEventError(`${eventName} event without enabledBaselineDetails`);
  const details = EnabledBaselineDetails.safeParse(raw);
  if (!details.success) throw new MalformedEventError(`${eventName} event: enabledBaselineDetails.${describe(details.error)}`);
  const state = typeof nested?.state === 'string' ? nested.state : details.data.statusSummary?.status;
  if (state !== undefined && state !== 'SUCCEEDED') return { kind: 'ignored', reason: `${eventName} on ${details.data.targetIdentifier} is ${state}, not SUCCEEDED` };
  const target = details.data.targetIdentifier.split('/').pop()!;
  if (target.startsWith('ou-')) return { kind: 'ou', source: eventName, eventId: parsed.data.id, ouId: target };
  return { kind: 'account', source: eventName, eventId: parsed.data.id, accountId: target, enrolled: state === 'SUCCEEDED' };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
