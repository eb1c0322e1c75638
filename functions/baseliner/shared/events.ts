/**
 * The events that start a baseline, validated at the edge. Shapes as AWS delivers them:
 * Control Tower lifecycle events through EventBridge, and S3 object-created notifications.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../../../accounts/schema';
import { decodeS3Key } from '../../shared/s3-keys';

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

export interface AccountVended {
  readonly kind: 'vend';
  readonly eventName: 'CreateManagedAccount' | 'UpdateManagedAccount';
  readonly eventId: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly ouName: string;
  readonly ouId: string;
}

export interface UpdateFileUploaded {
  readonly kind: 'update';
  readonly files: ReadonlyArray<{ bucket: string; key: string; versionId?: string; eTag?: string }>;
}

export type BaselineTrigger = AccountVended | UpdateFileUploaded;

export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

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
  const parsed = ControlTowerEvent.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`not a Control Tower lifecycle event: ${describe(parsed.error)}`);
  const { eventName, serviceEventDetails } = parsed.data.detail;
  const detail = eventName === 'CreateManagedAccount' ? serviceEventDetails.createManagedAccountStatus : serviceEventDetails.updateManagedAccountStatus;
  if (!detail) throw new MalformedEventError(`${eventName} event without its ${eventName === 'CreateManagedAccount' ? 'createManagedAccountStatus' : 'updateManagedAccountStatus'}`);
  if (detail.state !== 'SUCCEEDED') throw new MalformedEventError(`${eventName} for ${detail.account.accountId} is ${detail.state}, not SUCCEEDED`);
  return {
    kind: 'vend',
    eventName,
    eventId: parsed.data.id,
    accountId: detail.account.accountId,
    accountName: detail.account.accountName,
    ouName: detail.organizationalUnit.organizationalUnitName,
    ouId: detail.organizationalUnit.organizationalUnitId,
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
