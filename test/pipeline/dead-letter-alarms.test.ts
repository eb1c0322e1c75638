import { deadLetterQueues, deadLetterQueuesWithoutAlarm } from '../support/dead-letter-alarms';

const queue = { Type: 'AWS::SQS::Queue', Properties: {} };
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const alarmOn = (id: string, actions: unknown[] = [{ Ref: 'Topic' }]) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: { MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }], AlarmActions: actions },
});

describe('the dead-letter queue walker the alarm tests rely on', () => {
  const template = {
    Resources: {
      Main: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: arn('RedriveDlq'), maxReceiveCount: 3 } } },
      RedriveDlq: queue,
      SubscriptionDlq: queue,
      FunctionDlq: queue,
      RuleDlq: queue,
      MappingDlq: queue,
      Plain: queue,
      Sub: { Type: 'AWS::SNS::Subscription', Properties: { RedrivePolicy: { deadLetterTargetArn: arn('SubscriptionDlq') } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: arn('FunctionDlq') } } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 't', Arn: 'x', DeadLetterConfig: { Arn: arn('RuleDlq') } }] } },
      Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { DestinationConfig: { OnFailure: { Destination: arn('MappingDlq') } } } },
      WatchedRedrive: alarmOn('RedriveDlq'),
      SilentAlarm: alarmOn('RuleDlq', []),
    },
  };

  it('finds every kind of DLQ, and not a queue that is no one’s DLQ', () => {
    expect(deadLetterQueues(template)).toEqual(['FunctionDlq', 'MappingDlq', 'RedriveDlq', 'RuleDlq', 'SubscriptionDlq']);
  });

  it('counts only alarms with an action as watching', () => {
    expect(deadLetterQueuesWithoutAlarm(template)).toEqual(['FunctionDlq', 'MappingDlq', 'RuleDlq', 'SubscriptionDlq']);
  });
});
