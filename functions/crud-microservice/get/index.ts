/** GET /{id} — one item, or 404. */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError, httpHandler, json } from '../../shared/http';
import { caller, getRequest, itemId, itemView } from '../shared/items';
import { documents, tableName } from '../shared/table';

const logger = new Logger({ serviceName: 'crud-microservice-get' });

export const handler = httpHandler(logger, async (request) => {
  caller(request);
  const id = itemId(request);
  const { Item } = await documents.send(new GetCommand(getRequest(tableName(), id)));
  if (!Item) throw new HttpError(404, 'NotFound', `no item ${id}`);
  return json(200, itemView(Item));
});
