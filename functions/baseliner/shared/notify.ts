import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** One message to the baseliner topic; subjects are cut to SNS's 100 characters. */
export async function notify(sns: SNSClient, topicArn: string, subject: string, body: Record<string, unknown>): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 100), Message: JSON.stringify(body, null, 2) }));
}
