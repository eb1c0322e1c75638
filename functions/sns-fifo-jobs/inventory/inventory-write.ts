import type { PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { MalformedRecordError, type JobEvent } from '../shared/job-event';

export type InventoryWrite = { kind: 'put'; input: PutCommandInput } | { kind: 'update'; input: UpdateCommandInput };

/**
 * Apply only events newer than what the item already reflects, compared as instants: epoch
 * milliseconds in `lastEventAt`. (ISO strings do not sort as instants: "10:00:00Z" sorts after
 * "10:00:00.500Z".) An item written before `lastEventAt` existed takes the next event once.
 */
const NEWER = 'attribute_not_exists(jobId) OR attribute_not_exists(lastEventAt) OR lastEventAt < :at';

/** The DynamoDB write an event asks for; throws for event types the inventory does not handle. */
export function inventoryWrite(event: JobEvent, table: string): InventoryWrite {
  switch (event.eventType) {
    case 'JobCreated':
      return {
        kind: 'put',
        input: {
          TableName: table,
          Item: {
            jobId: event.jobId,
            status: 'ACTIVE',
            details: event.eventDetails,
            createdAt: event.eventCreated,
            lastEventCreated: event.eventCreated,
            lastEventAt: instant(event),
            lastEventId: event.id,
          },
          ConditionExpression: NEWER,
          ExpressionAttributeValues: { ':at': instant(event) },
        },
      };
    case 'JobDeleted':
      return {
        kind: 'update',
        input: {
          TableName: table,
          Key: { jobId: event.jobId },
          UpdateExpression: 'SET #status = :deleted, deletedAt = :created, lastEventCreated = :created, lastEventAt = :at, lastEventId = :id',
          ConditionExpression: NEWER,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':deleted': 'DELETED', ':created': event.eventCreated, ':at': instant(event), ':id': event.id },
        },
      };
    default:
      throw new MalformedRecordError(`the inventory does not handle ${event.eventType} (the subscription filter should have dropped it)`);
  }
}

/** The event's time as epoch milliseconds (eventCreated is validated as an ISO date-time). */
function instant(event: JobEvent): number {
  return Date.parse(event.eventCreated);
}
