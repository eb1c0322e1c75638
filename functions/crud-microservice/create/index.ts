/** POST / — 201 with the new item and its Location; 409 when the given id exists. */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError, httpHandler, json, jsonBody } from '../../shared/http';
import { caller, CreateItem, createRequest, newItem } from '../shared/items';
import { conditional, documents, tableName } from '../shared/table';

const logger = new Logger({ serviceName: 'crud-microservice-create' });

export const handler = httpHandler(logger, async (request) => {
  const item = newItem(jsonBody(request, CreateItem), caller(request), new Date(), randomUUID);
  await conditional(() => documents.send(new PutCommand(createRequest(tableName(), item))), new HttpError(409, 'Conflict', `item ${item.id} exists`));
  return json(201, item, { location: `/${item.id}` });
});
