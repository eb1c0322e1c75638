/**
 * Refreshes the SPICE datasets mapped to a Glue job when a run of it succeeds: one CreateIngestion
 * per dataset, with an id derived from the run, so a repeated event finds the ingestion already
 * there and does nothing. Any other failure fails the invocation: EventBridge's async retries,
 * then the dead-letter queue, keep the event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateIngestionCommand, QuickSightClient, ResourceExistsException } from '@aws-sdk/client-quicksight';
import type { Context } from 'aws-lambda';
import { parseDatasetMap, parseJobStateChange, plannedIngestions } from './ingestions';

const logger = new Logger({ serviceName: 'spice-refresh-refresh' });
const quicksight = new QuickSightClient({});

export interface RefreshSummary {
  readonly jobRunId: string;
  readonly started: string[];
  readonly alreadyStarted: string[];
}

export async function handler(event: unknown, context?: Context): Promise<RefreshSummary> {
  if (context) logger.addContext(context);
  const map = parseDatasetMap(process.env.DATASET_MAP);
  const change = parseJobStateChange(event);
  const planned = plannedIngestions(change, map);
  if (planned.length === 0) logger.warn('no SPICE dataset is mapped to this job; nothing to refresh', { jobName: change.jobName, state: change.state });
  const started: string[] = [];
  const alreadyStarted: string[] = [];
  for (const { dataSetId, ingestionId } of planned) {
    try {
      await quicksight.send(new CreateIngestionCommand({ AwsAccountId: change.account, DataSetId: dataSetId, IngestionId: ingestionId, IngestionType: 'FULL_REFRESH' }));
      started.push(dataSetId);
    } catch (err) {
      if (!(err instanceof ResourceExistsException)) throw err;
      alreadyStarted.push(dataSetId);
    }
  }
  const summary = { jobRunId: change.jobRunId, started, alreadyStarted };
  logger.info('SPICE refresh', summary);
  return summary;
}
