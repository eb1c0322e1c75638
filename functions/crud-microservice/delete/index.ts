/** DELETE /{id} — 204; 404 when it does not exist. */
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError, httpHandler, json } from '../../shared/http';
import { caller, deleteRequest, itemId } from '../shared/items';
import { conditional, documents, tableName } from '../shared/table';

const logger = new Logger({ serviceName: 'crud-microservice-delete' });

export const handler = httpHandler(logger, async (request) => {
  caller(request);
  const id = itemId(request);
  await conditional(() => documents.send(new DeleteCommand(deleteRequest(tableName(), id))), new HttpError(404, 'NotFound', `no item ${id}`));
  return json(204);
});
