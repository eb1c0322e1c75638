/** GET / — one page of items, with the token for the next page. */
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { httpHandler, json } from '../../shared/http';
import { caller, itemView, listRequest, nextToken } from '../shared/items';
import { documents, tableName } from '../shared/table';

const logger = new Logger({ serviceName: 'crud-microservice-list' });

export const handler = httpHandler(logger, async (request) => {
  caller(request);
  const page = await documents.send(new ScanCommand(listRequest(tableName(), request.query)));
  return json(200, { items: (page.Items ?? []).map(itemView), next: nextToken(page.LastEvaluatedKey) ?? null });
});
