/** PATCH /{id} — 200 with the updated item; 404 when it does not exist (never a create). */
import { Logger } from '@aws-lambda-powertools/logger';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError, httpHandler, json, jsonBody } from '../../shared/http';
import { caller, itemId, itemView, PatchItem, patchRequest } from '../shared/items';
import { conditional, documents, tableName } from '../shared/table';

const logger = new Logger({ serviceName: 'crud-microservice-patch' });

export const handler = httpHandler(logger, async (request) => {
  caller(request);
  const id = itemId(request);
  const patch = jsonBody(request, PatchItem);
  const { Attributes } = await conditional(() => documents.send(new UpdateCommand(patchRequest(tableName(), id, patch))), new HttpError(404, 'NotFound', `no item ${id}`));
  return json(200, itemView(Attributes ?? {}));
});
