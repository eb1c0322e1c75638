import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';

/** A KMS-encrypted, TLS-only queue that keeps messages 14 days. */
export function encryptedQueue(scope: Construct, id: string, key: kms.IKey, extra: Partial<sqs.QueueProps> = {}): sqs.Queue {
  return new sqs.Queue(scope, id, { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14), ...extra });
}

/** Answers the guards that ask a queue for its own DLQ: this queue is the end of the line, and why. */
export function acknowledgeEndOfLine(queue: IConstruct, reason: string): void {
  Validations.of(queue).acknowledge(
    { id: 'cdk-validator-cfnguard::sqs_dlq_check', reason },
    { id: 'AwsSolutions::AwsSolutions-SQS3', reason },
    { id: 'Serverless::Serverless-SQSRedrivePolicy', reason },
  );
}

/** A queue that is itself the end of the line: the dead-letter queue or on-failure destination of `what`. */
export function deadLetterQueue(scope: Construct, id: string, key: kms.IKey, what: string): sqs.Queue {
  const queue = encryptedQueue(scope, id, key);
  acknowledgeEndOfLine(queue, `This queue is itself the dead-letter queue of ${what}; what lands here is kept 14 days for inspection.`);
  return queue;
}

/** Why a function fed by an SQS event source mapping needs neither a DLQ nor an on-failure destination of its own. */
export const SQS_EVENT_SOURCE_REASONS = {
  function:
    "Invoked by its SQS event source mapping, synchronously: a failed message returns to the queue and moves to the queue's dead-letter queue after maxReceiveCount; a function DLQ catches asynchronous invocations only.",
  mapping: "An SQS event source mapping has no on-failure destination (Lambda offers them for streams and Kafka): the source queue's redrive policy is where failed messages go.",
} as const;
