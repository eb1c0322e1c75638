/**
 * A small in-memory table behind aws-sdk-client-mock, for tests where DynamoDB state carries from
 * one step to the next (the baseliner's tracking table). It implements exactly the document-client
 * calls the code makes: Put, Get, Update with `SET #k = :k, …`, and Query on the partition key.
 */
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;

export function fakeTrackingTable(partitionKey = 'accountId', sortKey = 'provisionName') {
  const items = new Map<string, Item>();
  const keyOf = (k: Item) => `${String(k[partitionKey])}\u0000${String(k[sortKey])}`;
  const mock = mockClient(DynamoDBDocumentClient);
  mock.on(PutCommand).callsFake((input) => {
    items.set(keyOf(input.Item), structuredClone(input.Item));
    return {};
  });
  mock.on(GetCommand).callsFake((input) => ({ Item: structuredClone(items.get(keyOf(input.Key))) }));
  const batch = { unprocessedOnce: 0, calls: 0 };
  mock.on(BatchGetCommand).callsFake((input) => {
    batch.calls++;
    const [table, request] = Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>)[0];
    if (request.Keys.length > 100) throw Object.assign(new Error('Too many items requested for the BatchGetItem call'), { name: 'ValidationException' });
    const skip = Math.min(batch.unprocessedOnce, request.Keys.length);
    batch.unprocessedOnce = 0;
    const served = request.Keys.slice(skip);
    return {
      Responses: {
        [table]: served
          .map((k) => items.get(keyOf(k)))
          .filter((i): i is Item => i !== undefined)
          .map((i) => structuredClone(i)),
      },
      UnprocessedKeys: skip > 0 ? { [table]: { Keys: request.Keys.slice(0, skip) } } : {},
    };
  });
  mock.on(UpdateCommand).callsFake((input) => {
    const existing = items.get(keyOf(input.Key));
    // Conditions of the form `#name = :value`, as DynamoDB evaluates them: a missing item fails.
    if (input.ConditionExpression) {
      const [name, value] = String(input.ConditionExpression).split(/\s*=\s*/);
      if (!existing || existing[input.ExpressionAttributeNames[name] ?? name] !== input.ExpressionAttributeValues[value]) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
    }
    const current = existing ?? { ...input.Key };
    const assignments = String(input.UpdateExpression)
      .replace(/^SET\s+/, '')
      .split(/\s*,\s*/);
    for (const a of assignments) {
      const [name, value] = a.split(/\s*=\s*/);
      current[input.ExpressionAttributeNames[name] ?? name] = input.ExpressionAttributeValues[value];
    }
    items.set(keyOf(input.Key), current);
    return {};
  });
  mock.on(QueryCommand).callsFake((input) => {
    const pk = input.ExpressionAttributeValues[':a'];
    return { Items: [...items.values()].filter((i) => i[partitionKey] === pk).map((i) => structuredClone(i)) };
  });
  return { mock, batch, items: () => [...items.values()], put: (item: Item) => items.set(keyOf(item), structuredClone(item)) };
}
