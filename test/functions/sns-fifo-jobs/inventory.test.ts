import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/sns-fifo-jobs/inventory';
import { inventoryWrite } from '../../../functions/sns-fifo-jobs/inventory/inventory-write';
import { parseJobEvent } from '../../../functions/sns-fifo-jobs/shared/job-event';
import { jobEventBody, sqsEvent, sqsFifoRecord } from '../../fixtures/aws-events';

const ddb = mockClient(DynamoDBDocumentClient);
mockClient(DynamoDBClient);

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  process.env.TABLE_NAME = 'jobs';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const writes = () =>
  ddb.calls().map((c) => {
    const input = c.args[0].input as { Item?: { jobId: string }; Key?: { jobId: string } };
    return `${c.args[0].constructor.name}:${input.Item?.jobId ?? input.Key?.jobId}`;
  });

describe('inventoryWrite', () => {
  const created = parseJobEvent(jobEventBody('job-1', 'JobCreated', '2026-11-29T10:00:00.000Z'));
  const deleted = parseJobEvent(jobEventBody('job-1', 'JobDeleted', '2026-11-29T10:00:05.000Z'));

  it('puts a created job, only if nothing newer is recorded', () => {
    expect(inventoryWrite(created, 'jobs')).toEqual({
      kind: 'put',
      input: {
        TableName: 'jobs',
        Item: {
          jobId: 'job-1',
          status: 'ACTIVE',
          details: { title: 'x' },
          createdAt: created.eventCreated,
          lastEventCreated: created.eventCreated,
          lastEventAt: Date.parse('2026-11-29T10:00:00.000Z'),
          lastEventId: created.id,
        },
        ConditionExpression: 'attribute_not_exists(jobId) OR attribute_not_exists(lastEventAt) OR lastEventAt < :at',
        ExpressionAttributeValues: { ':at': Date.parse('2026-11-29T10:00:00.000Z') },
      },
    });
  });

  it('marks a deleted job deleted, only if nothing newer is recorded', () => {
    const write = inventoryWrite(deleted, 'jobs');
    expect(write.kind).toBe('update');
    expect(write.input).toMatchObject({
      Key: { jobId: 'job-1' },
      UpdateExpression: 'SET #status = :deleted, deletedAt = :created, lastEventCreated = :created, lastEventAt = :at, lastEventId = :id',
      ConditionExpression: 'attribute_not_exists(jobId) OR attribute_not_exists(lastEventAt) OR lastEventAt < :at',
      ExpressionAttributeValues: { ':deleted': 'DELETED', ':created': deleted.eventCreated, ':at': Date.parse('2026-11-29T10:00:05.000Z'), ':id': deleted.id },
    });
  });

  it('refuses other event types', () => {
    expect(() => inventoryWrite(parseJobEvent(jobEventBody('job-1', 'JobSalaryUpdated', '2026-11-29T10:00:01.000Z')), 'jobs')).toThrow(
      'the inventory does not handle JobSalaryUpdated (the subscription filter should have dropped it)',
    );
  });
});

describe('inventory consumer', () => {
  it('applies created then deleted in message-group order', async () => {
    const event = sqsEvent(
      sqsFifoRecord(jobEventBody('job-1', 'JobCreated', '2026-11-29T10:00:00.000Z'), 'job-1'),
      sqsFifoRecord(jobEventBody('job-2', 'JobCreated', '2026-11-29T10:00:01.000Z'), 'job-2'),
      sqsFifoRecord(jobEventBody('job-1', 'JobDeleted', '2026-11-29T10:00:02.000Z'), 'job-1'),
    );
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(writes()).toEqual(['PutCommand:job-1', 'PutCommand:job-2', 'UpdateCommand:job-1']);
  });

  it('treats an event that is already applied or superseded as done, not failed', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(handler(sqsEvent(sqsFifoRecord(jobEventBody('job-1', 'JobCreated', '2026-11-29T10:00:00.000Z'), 'job-1')))).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails an unexpected event type and the rest of its group; other groups go on', async () => {
    const bad = sqsFifoRecord(jobEventBody('job-1', 'JobSalaryUpdated', '2026-11-29T10:00:01.000Z'), 'job-1');
    const behind = sqsFifoRecord(jobEventBody('job-1', 'JobDeleted', '2026-11-29T10:00:02.000Z'), 'job-1');
    const other = sqsFifoRecord(jobEventBody('job-2', 'JobCreated', '2026-11-29T10:00:03.000Z'), 'job-2');
    const response = await handler(sqsEvent(bad, behind, other));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }, { itemIdentifier: behind.messageId }]);
    expect(writes()).toEqual(['PutCommand:job-2']);
  });

  it('fails a throttled write and the records behind it in the group, for redelivery in order', async () => {
    ddb.on(PutCommand, { Item: { jobId: 'job-1' } }).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const first = sqsFifoRecord(jobEventBody('job-1', 'JobCreated', '2026-11-29T10:00:00.000Z'), 'job-1');
    const second = sqsFifoRecord(jobEventBody('job-1', 'JobDeleted', '2026-11-29T10:00:02.000Z'), 'job-1');
    const response = await handler(sqsEvent(first, second));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: first.messageId }, { itemIdentifier: second.messageId }]);
  });

  it('reports every record of an all-malformed batch instead of throwing', async () => {
    const r1 = sqsFifoRecord('not json', 'g1');
    const r2 = sqsFifoRecord('{}', 'g2');
    await expect(handler(sqsEvent(r1, r2))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: r1.messageId }, { itemIdentifier: r2.messageId }] });
    expect(writes()).toEqual([]);
  });

  it('rejects an event that is not from SQS', async () => {
    await expect(handler({ Records: 'nope' } as never)).rejects.toThrow('not an SQS event: Records is missing');
  });
});
