// Package main is the stream-ingestion function: Kinesis records of "value|timestamp" become
// DynamoDB items keyed partitionKey (the sensor, the record's partition key) and timestamp,
// written 25 at a time with BatchWriteItem; unprocessed items are retried, and the batch reports
// the first record it could not store so Kinesis retries from there, in order.
package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// MaxBatch is the most items one BatchWriteItem call takes.
const MaxBatch = 25

// Reading is one sensor value.
type Reading struct {
	PartitionKey string
	Timestamp    int64
	Value        float64
	// Index is the record's position in the Kinesis batch.
	Index int
}

// ErrMalformed marks a record that can never be stored as it is.
var ErrMalformed = errors.New("malformed record")

// ParseRecord reads "value|timestamp" (timestamp in epoch seconds or milliseconds).
func ParseRecord(data []byte, partitionKey string, index int) (Reading, error) {
	text := strings.TrimSpace(string(data))
	value, ts, found := strings.Cut(text, "|")
	if !found {
		return Reading{}, fmt.Errorf("%w: %q has no \"|\" between value and timestamp", ErrMalformed, clip(text))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Reading{}, fmt.Errorf("%w: value %q is not a number", ErrMalformed, clip(value))
	}
	t, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil || t <= 0 {
		return Reading{}, fmt.Errorf("%w: timestamp %q is not a positive integer", ErrMalformed, clip(ts))
	}
	if partitionKey == "" {
		return Reading{}, fmt.Errorf("%w: the record has no partition key (sensor id)", ErrMalformed)
	}
	return Reading{PartitionKey: partitionKey, Timestamp: t, Value: v, Index: index}, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// BatchWriter is the part of the DynamoDB client the function uses.
type BatchWriter interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// Writer stores readings in batches of 25, retrying unprocessed items with bounded back-off.
type Writer struct {
	Client   BatchWriter
	Table    string
	Attempts int
	Sleep    func(time.Duration)
	// Calls counts BatchWriteItem requests (the benchmark reports requests per 25 records).
	Calls int
}

func item(r Reading) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"partitionKey": &types.AttributeValueMemberS{Value: r.PartitionKey},
		"timestamp":    &types.AttributeValueMemberN{Value: strconv.FormatInt(r.Timestamp, 10)},
		"value":        &types.AttributeValueMemberN{Value: strconv.FormatFloat(r.Value, 'f', -1, 64)},
	}
}

// Write stores readings in order and returns the index of the first reading it could not store,
// or -1 when all were stored. Within one call, a later reading of the same key replaces an
// earlier one (BatchWriteItem refuses duplicate keys).
func (w *Writer) Write(ctx context.Context, readings []Reading) (int, error) {
	for start := 0; start < len(readings); {
		batch, next := nextBatch(readings, start)
		if err := w.writeBatch(ctx, batch); err != nil {
			return readings[start].Index, err
		}
		start = next
	}
	return -1, nil
}

// nextBatch takes readings from start until 25 distinct keys are collected.
func nextBatch(readings []Reading, start int) ([]Reading, int) {
	byKey := map[string]int{}
	batch := []Reading{}
	i := start
	for ; i < len(readings); i++ {
		key := readings[i].PartitionKey + "\x00" + strconv.FormatInt(readings[i].Timestamp, 10)
		if at, seen := byKey[key]; seen {
			batch[at] = readings[i]
			continue
		}
		if len(batch) == MaxBatch {
			break
		}
		byKey[key] = len(batch)
		batch = append(batch, readings[i])
	}
	return batch, i
}

func (w *Writer) writeBatch(ctx context.Context, batch []Reading) error {
	requests := make([]types.WriteRequest, 0, len(batch))
	for _, r := range batch {
		requests = append(requests, types.WriteRequest{PutRequest: &types.PutRequest{Item: item(r)}})
	}
	attempts := w.Attempts
	if attempts <= 0 {
		attempts = 8
	}
	for attempt := 1; ; attempt++ {
		w.Calls++
		out, err := w.Client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{w.Table: requests}})
		if err != nil {
			// A throttled call wrote nothing: back off and send the same items again, within the batch.
			if !throttled(err) || attempt >= attempts {
				return fmt.Errorf("BatchWriteItem: %w", err)
			}
			w.sleep(time.Duration(25*(1<<min(attempt, 8))) * time.Millisecond)
			continue
		}
		requests = out.UnprocessedItems[w.Table]
		if len(requests) == 0 {
			return nil
		}
		if attempt >= attempts {
			return fmt.Errorf("%d items still unprocessed after %d attempts", len(requests), attempts)
		}
		w.sleep(time.Duration(25*(1<<min(attempt, 8))) * time.Millisecond)
	}
}

// throttled reports whether DynamoDB refused the call for capacity (the table's or the account's):
// worth the same items again after a back-off.
func throttled(err error) bool {
	var capacity *types.ProvisionedThroughputExceededException
	var limit *types.RequestLimitExceeded
	var apiErr smithy.APIError
	if errors.As(err, &capacity) || errors.As(err, &limit) {
		return true
	}
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "ThrottlingException"
}

func (w *Writer) sleep(d time.Duration) {
	if w.Sleep != nil {
		w.Sleep(d)
		return
	}
	time.Sleep(d)
}

// Handle parses the batch, stores everything before the first malformed record, and reports the
// first record not stored as the batch item failure.
func Handle(ctx context.Context, event events.KinesisEvent, w *Writer) (events.KinesisEventResponse, error) {
	resp := events.KinesisEventResponse{BatchItemFailures: []events.KinesisBatchItemFailure{}}
	readings := make([]Reading, 0, len(event.Records))
	firstBad := -1
	for i, rec := range event.Records {
		r, err := ParseRecord(rec.Kinesis.Data, rec.Kinesis.PartitionKey, i)
		if err != nil {
			firstBad = i
			break
		}
		readings = append(readings, r)
	}
	failed, err := w.Write(ctx, readings)
	if err == nil && firstBad >= 0 {
		failed = firstBad
	}
	if failed >= 0 {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.KinesisBatchItemFailure{ItemIdentifier: event.Records[failed].Kinesis.SequenceNumber})
	}
	return resp, nil
}
