import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An encrypted topic for a pattern's alarms and notices, with an optional email subscription.
 * CloudWatch alarms may publish to it (they need the key).
 */
export function notificationTopic(scope: Construct, id: string, key: kms.IKey, displayName: string, email?: string): sns.Topic {
  const topic = new sns.Topic(scope, id, { displayName, masterKey: key, enforceSSL: true });
  if (email) subscribeEmail(topic, email);
  key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey', 'kms:Decrypt');
  return topic;
}

/**
 * A person's email on a topic. No redrive policy: SNS retries email delivery itself, a message it
 * cannot deliver is counted in the topic's NumberOfNotificationsFailed, and a DLQ of emails would
 * be a second inbox nobody reads.
 */
export function subscribeEmail(topic: sns.ITopic, email: string): void {
  const subscription = topic.addSubscription(new subscriptions.EmailSubscription(email));
  Validations.of(subscription).acknowledge({
    id: 'Serverless::Serverless-SNSRedrivePolicy',
    reason: 'An email subscription: SNS retries email delivery itself and counts what it cannot deliver (NumberOfNotificationsFailed); a dead-letter queue of emails would be an inbox nobody reads.',
  });
}

/** An alarm to the topic as soon as the metric reaches 1 in one period; no data is no alarm. */
export function alarmAtOne(scope: Construct, id: string, metric: cloudwatch.IMetric, topic: sns.ITopic, description: string): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cwActions.SnsAction(topic));
  return alarm;
}

/** An alarm to the topic when an execution of the state machine fails, times out or is aborted. */
export function alarmOnFailedExecutions(scope: Construct, id: string, stateMachine: sfn.StateMachine, topic: sns.ITopic, description: string, period: Duration): cloudwatch.Alarm {
  const failures = new cloudwatch.MathExpression({
    expression: 'failed + timedOut + aborted',
    usingMetrics: { failed: stateMachine.metricFailed(), timedOut: stateMachine.metricTimedOut(), aborted: stateMachine.metricAborted() },
    period,
  });
  return alarmAtOne(scope, id, failures, topic, description);
}

/** An alarm to the topic as soon as a message waits in this queue (a DLQ, a rejected-message queue). */
export function alarmOnWaitingMessages(scope: Construct, id: string, queue: sqs.IQueue, topic: sns.ITopic, description: string): cloudwatch.Alarm {
  return alarmAtOne(scope, id, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), topic, description);
}

/**
 * An alarm to the topic when a function logs one of these JSON messages (`{"msg": …}`): how a Go
 * function that handles a failure itself (and so reports no error to Lambda) still pages someone.
 */
export function alarmOnLogMessages(
  scope: Construct,
  id: string,
  logGroup: logs.ILogGroup,
  messages: readonly string[],
  metricNamespace: string,
  topic: sns.ITopic,
  description: string,
): cloudwatch.Alarm {
  const filter = new logs.MetricFilter(scope, `${id}Filter`, {
    logGroup,
    filterPattern: logs.FilterPattern.any(...messages.map((m) => logs.FilterPattern.stringValue('$.msg', '=', m))),
    metricNamespace,
    metricName: id,
    metricValue: '1',
  });
  return alarmAtOne(scope, id, filter.metric({ period: Duration.minutes(5), statistic: 'Sum' }), topic, description);
}
