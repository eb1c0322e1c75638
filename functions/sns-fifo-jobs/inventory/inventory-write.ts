import type { PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { MalformedRecordError, type JobEvent } from '../shared/job-event';

export type InventoryWrite = { kind: 'put'; input: PutCommandInput } | { kind: 'update'; input: UpdateCommandInput };

/** Apply only events newer than what the item already reflects. */
const NEWER = 'attribute_not_exists(jobId) OR lastEventCreated < :created';

/** The DynamoDB write an event asks for; throws for event types the inventory does not handle. */
export function inventoryWrite(event: JobEvent, table: string): InventoryWrite {
  switch (event.eventType) {
    case 'JobCreated':
      return {
        kind: 'put',
        input: {
          TableName: table,
          Item: { jobId: event.jobId, status: 'ACTIVE', details: event.eventDetails, createdAt: event.eventCreated, lastEventCreated: event.eventCreated, lastEventId: event.id },
          ConditionExpression: NEWER,
          ExpressionAttributeValues: { ':created': event.eventCreated },
        },
      };
    case 'JobDeleted':
      return {
        kind: 'update',
        input: {
          TableName: table,
          Key: { jobId: event.jobId },
          UpdateExpression: 'SET #status = :deleted, deletedAt = :created, lastEventCreated = :created, lastEventId = :id',
          ConditionExpression: NEWER,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':deleted': 'DELETED', ':created': event.eventCreated, ':id': event.id },
        },
      };
    default:
      throw new MalformedRecordError(`the inventory does not handle ${event.eventType} (the subscription filter should have dropped it)`);
  }
}
