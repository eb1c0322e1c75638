/**
 * Scheduled anti-corruption publisher: turns a schedule tick into one job's lifecycle events on
 * `JobEvents.fifo`, with a group id per job, a deduplication id per event and an `eventType`
 * attribute for subscription filter policies.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { jobLifecycle } from '../shared/job-event';

const logger = new Logger({ serviceName: 'sns-fifo-jobs-publisher' });
const sns = new SNSClient({});

export const EVENT_SOURCE = 'sns-fifo-jobs.publisher';

export class PublishError extends Error {}

export async function handler(event: ScheduledEvent, context?: Context): Promise<{ published: number; jobId: string }> {
  logger.addContext(context ?? ({} as Context));
  const topicArn = process.env.TOPIC_ARN;
  if (!topicArn) throw new PublishError('TOPIC_ARN is not set');
  if (!event || typeof event.id !== 'string' || event.id.length === 0 || typeof event.time !== 'string') {
    throw new PublishError('not an EventBridge scheduled event: id and time are required');
  }
  const now = new Date(event.time);
  if (Number.isNaN(now.getTime())) throw new PublishError(`event time "${event.time}" is not a date`);

  const messages = jobLifecycle(event.id, now, EVENT_SOURCE);
  const result = await sns.send(
    new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: messages.map((m, i) => ({
        Id: String(i),
        Message: JSON.stringify(m.event),
        MessageGroupId: m.messageGroupId,
        MessageDeduplicationId: m.deduplicationId,
        MessageAttributes: { eventType: { DataType: 'String', StringValue: m.event.eventType } },
      })),
    }),
  );
  const failed = result.Failed ?? [];
  if (failed.length > 0) {
    // Throwing makes Lambda retry the invocation; the deduplication ids make the retry safe.
    logger.error('publish failed', { failed });
    throw new PublishError(`${failed.length} of ${messages.length} events were not published: ${failed.map((f) => f.Code).join(', ')}`);
  }
  logger.info('published job lifecycle', { jobId: messages[0].event.jobId, count: messages.length });
  return { published: messages.length, jobId: messages[0].event.jobId };
}
