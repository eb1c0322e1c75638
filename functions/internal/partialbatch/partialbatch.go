// Package partialbatch turns per-record outcomes into the partial batch
// responses that Lambda event source mappings understand, so one bad record
// never fails (and re-delivers) the records that succeeded.
//
// Two orderings are supported because the services differ:
//   - SQS FIFO: once a record of a message group fails, the later records of
//     that group must fail too, or they would overtake it on redelivery.
//   - Kinesis: the mapping checkpoints at the lowest failed sequence number,
//     so processing stops at the first failure of the shard batch.
package partialbatch

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// SQSRecordHandler processes one SQS message.
type SQSRecordHandler func(ctx context.Context, msg events.SQSMessage) error

// ProcessSQS runs handle on every message in order and reports the failures.
// For FIFO queues (a MessageGroupId attribute is present) a failure skips the
// rest of that message group; other groups carry on.
func ProcessSQS(ctx context.Context, event events.SQSEvent, handle SQSRecordHandler) events.SQSEventResponse {
	failedGroups := map[string]bool{}
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, msg := range event.Records {
		group, fifo := msg.Attributes["MessageGroupId"]
		if fifo && failedGroups[group] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
			continue
		}
		if err := handle(ctx, msg); err != nil {
			if fifo {
				failedGroups[group] = true
			}
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
		}
	}
	return resp
}

// KinesisRecordHandler processes one Kinesis record.
type KinesisRecordHandler func(ctx context.Context, rec events.KinesisEventRecord) error

// ProcessKinesis runs handle on the records in order and stops at the first
// failure, reporting its sequence number: Lambda retries from there, so the
// records before it are not processed twice and the ones after keep their order.
func ProcessKinesis(ctx context.Context, event events.KinesisEvent, handle KinesisRecordHandler) events.KinesisEventResponse {
	resp := events.KinesisEventResponse{BatchItemFailures: []events.KinesisBatchItemFailure{}}
	for _, rec := range event.Records {
		if err := handle(ctx, rec); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.KinesisBatchItemFailure{ItemIdentifier: rec.Kinesis.SequenceNumber})
			return resp
		}
	}
	return resp
}
