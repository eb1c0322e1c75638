/** lambda-storage, EFS: adds an entry to a ledger every function mounting the file system shares. */
import type { Context } from 'aws-lambda';
import { addEntry, parseRequest } from './ledger';

export const handler = async (event: unknown, context: Context) => {
  const { note } = parseRequest(event);
  return addEntry(process.env.MOUNT_PATH ?? '/mnt/shared', { at: new Date().toISOString(), requestId: context.awsRequestId, note });
};
