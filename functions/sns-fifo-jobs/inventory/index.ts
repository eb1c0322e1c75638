/**
 * Inventory consumer: JobCreated puts the job, JobDeleted marks it deleted. Any other event type
 * fails that record only. Writes are conditional on the event time, so a redelivered or older
 * event never overwrites newer state.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { SQS_BATCH_OPTIONS } from '../../shared/sqs-batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseJobEvent } from '../shared/job-event';
import { inventoryWrite } from './inventory-write';

const logger = new Logger({ serviceName: 'sns-fifo-jobs-inventory' });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  logger.addContext(context ?? ({} as Context));
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set');
  if (!event || !Array.isArray(event.Records)) throw new Error('not an SQS event: Records is missing');

  const recordHandler = async (record: SQSRecord): Promise<string> => {
    const write = inventoryWrite(parseJobEvent(record.body), table);
    try {
      if (write.kind === 'put') await ddb.send(new PutCommand(write.input));
      else await ddb.send(new UpdateCommand(write.input));
      return 'applied';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        logger.info('already applied or superseded', { messageId: record.messageId });
        return 'superseded';
      }
      throw err;
    }
  };
  return processPartialResponse(event, recordHandler, new SqsFifoPartialProcessorAsync(), {
    ...SQS_BATCH_OPTIONS,
    context: context as Context,
    skipGroupOnError: true,
  });
}
