/** The one DynamoDB client and table name every CRUD function shares, and the 404/409 mapping. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpError } from '../../shared/http';

export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export function tableName(): string {
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set');
  return table;
}

/** Runs a conditional write; a failed condition becomes the given HTTP error. */
export async function conditional<T>(write: () => Promise<T>, onConditionFailed: HttpError): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw onConditionFailed;
    throw err;
  }
}
