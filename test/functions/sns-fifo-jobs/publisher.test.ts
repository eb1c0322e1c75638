import { PublishBatchCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/sns-fifo-jobs/publisher';
import { parseJobEvent } from '../../../functions/sns-fifo-jobs/shared/job-event';
import { scheduledEvent } from '../../fixtures/aws-events';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:444444444444:JobEvents.fifo';

beforeEach(() => {
  sns.reset();
  process.env.TOPIC_ARN = TOPIC;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

describe('publisher', () => {
  it('publishes one job lifecycle to the FIFO topic: group per job, dedup id per event, eventType attribute', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: '0' }, { Id: '1' }, { Id: '2' }], Failed: [] });
    await expect(handler(scheduledEvent('evt-1'))).resolves.toEqual({ published: 3, jobId: 'job-evt-1' });
    const input = sns.commandCalls(PublishBatchCommand)[0].args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    const entries = input.PublishBatchRequestEntries!;
    expect(entries.map((e) => [e.MessageGroupId, e.MessageDeduplicationId, e.MessageAttributes!.eventType.StringValue])).toEqual([
      ['job-evt-1', 'evt-1-0', 'JobCreated'],
      ['job-evt-1', 'evt-1-1', 'JobSalaryUpdated'],
      ['job-evt-1', 'evt-1-2', 'JobDeleted'],
    ]);
    const bodies = entries.map((e) => parseJobEvent(e.Message!));
    expect(bodies.map((b) => Object.keys(b).sort())).toEqual(Array(3).fill(['eventCreated', 'eventDetails', 'eventSource', 'eventType', 'id', 'jobId']));
  });

  it('sends the same ids when the same schedule event is retried', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    await handler(scheduledEvent('evt-2'));
    await handler(scheduledEvent('evt-2'));
    const [a, b] = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input.PublishBatchRequestEntries!.map((e) => e.MessageDeduplicationId));
    expect(a).toEqual(b);
  });

  it('fails the invocation when any entry was not published, so Lambda retries it', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: '0' }],
      Failed: [
        { Id: '1', Code: 'KMSThrottling', SenderFault: false },
        { Id: '2', Code: 'KMSThrottling', SenderFault: false },
      ],
    });
    await expect(handler(scheduledEvent())).rejects.toThrow('2 of 3 events were not published: KMSThrottling, KMSThrottling');
  });

  it('lets a throttled call fail the invocation (retried by Lambda, then the DLQ)', async () => {
    sns.on(PublishBatchCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(handler(scheduledEvent())).rejects.toThrow('Rate exceeded');
  });

  it('rejects a malformed event without publishing anything', async () => {
    await expect(handler({ ...scheduledEvent(), id: '' })).rejects.toThrow('not an EventBridge scheduled event: id and time are required');
    await expect(handler({ ...scheduledEvent(), time: 'noon' })).rejects.toThrow('event time "noon" is not a date');
    await expect(handler(undefined as never)).rejects.toThrow('not an EventBridge scheduled event');
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });

  it('refuses to run without its topic', async () => {
    delete process.env.TOPIC_ARN;
    await expect(handler(scheduledEvent())).rejects.toThrow('TOPIC_ARN is not set');
  });
});
