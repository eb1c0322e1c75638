package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeTable stores what BatchWriteItem sends; it can leave items unprocessed or fail calls.
type fakeTable struct {
	items        map[string]string // partitionKey|timestamp → value
	calls        [][]types.WriteRequest
	unprocessOne int // leave this many first items unprocessed on each of the next calls
	failCall     int // fail the n-th call (1-based), 0 for never
	throttle     int // refuse this many next calls as DynamoDB does when capacity runs out
}

func (f *fakeTable) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	reqs := in.RequestItems["readings"]
	f.calls = append(f.calls, reqs)
	if f.failCall == len(f.calls) {
		return nil, errors.New("ProvisionedThroughputExceededException: rate exceeded")
	}
	if f.throttle > 0 {
		f.throttle--
		return nil, &types.ProvisionedThroughputExceededException{Message: aws.String("The level of configured provisioned throughput for the table was exceeded")}
	}
	if len(reqs) > MaxBatch {
		return nil, fmt.Errorf("ValidationException: %d items in one call", len(reqs))
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		it := r.PutRequest.Item
		k := it["partitionKey"].(*types.AttributeValueMemberS).Value + "|" + it["timestamp"].(*types.AttributeValueMemberN).Value
		if seen[k] {
			return nil, errors.New("ValidationException: Provided list of item keys contains duplicates")
		}
		seen[k] = true
	}
	out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
	for i, r := range reqs {
		if i < f.unprocessOne {
			out.UnprocessedItems["readings"] = append(out.UnprocessedItems["readings"], r)
			continue
		}
		it := r.PutRequest.Item
		f.items[it["partitionKey"].(*types.AttributeValueMemberS).Value+"|"+it["timestamp"].(*types.AttributeValueMemberN).Value] = it["value"].(*types.AttributeValueMemberN).Value
	}
	if f.unprocessOne > 0 {
		f.unprocessOne--
	}
	return out, nil
}

func newTable() *fakeTable { return &fakeTable{items: map[string]string{}} }

// kinesisEvent builds the event Lambda delivers; aws-lambda-go decodes the base64 data.
func kinesisEvent(t *testing.T, payloads ...string) events.KinesisEvent {
	records := make([]map[string]any, 0, len(payloads))
	for i, p := range payloads {
		records = append(records, map[string]any{
			"kinesis": map[string]any{
				"kinesisSchemaVersion":        "1.0",
				"partitionKey":                fmt.Sprintf("sensor-%d", i%3),
				"sequenceNumber":              fmt.Sprintf("4959033891659828099226746374%05d", i),
				"data":                        []byte(p),
				"approximateArrivalTimestamp": 1764374400.123,
			},
			"eventSource":       "aws:kinesis",
			"eventVersion":      "1.0",
			"eventID":           fmt.Sprintf("shardId-000000000000:4959033891659828099226746374%05d", i),
			"eventName":         "aws:kinesis:record",
			"invokeIdentityArn": "arn:aws:iam::444444444444:role/stream-ingestion",
			"awsRegion":         "us-east-1",
			"eventSourceARN":    "arn:aws:kinesis:us-east-1:444444444444:stream/readings",
		})
	}
	raw, _ := json.Marshal(map[string]any{"Records": records})
	var ev events.KinesisEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func writer(f *fakeTable) *Writer {
	return &Writer{Client: f, Table: "readings", Sleep: func(time.Duration) {}}
}

func TestParseRecord(t *testing.T) {
	r, err := ParseRecord([]byte(" 23.5|1764374400 \n"), "sensor-1", 4)
	if err != nil || r != (Reading{PartitionKey: "sensor-1", Timestamp: 1764374400, Value: 23.5, Index: 4}) {
		t.Fatalf("got %+v, %v", r, err)
	}
	for _, bad := range []struct{ data, key, want string }{
		{"23.5", "s", `has no "|"`},
		{"warm|1764374400", "s", `value "warm" is not a number`},
		{"NaN|1764374400", "s", `value "NaN" is not a number`},
		{"23.5|yesterday", "s", `timestamp "yesterday" is not a positive integer`},
		{"23.5|-5", "s", `timestamp "-5" is not a positive integer`},
		{"23.5|1764374400", "", "no partition key"},
	} {
		_, err := ParseRecord([]byte(bad.data), bad.key, 0)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseRecord(%q) = %v, want %q", bad.data, err, bad.want)
		}
	}
}

func TestSixtyRecordsTakeThreeRequests(t *testing.T) {
	payloads := make([]string, 60)
	for i := range payloads {
		payloads[i] = fmt.Sprintf("%d.5|%d", i, 1764374400+i)
	}
	f := newTable()
	w := writer(f)
	resp, _ := Handle(context.Background(), kinesisEvent(t, payloads...), w)
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures: %+v", resp.BatchItemFailures)
	}
	if w.Calls != 3 || len(f.items) != 60 {
		t.Fatalf("calls = %d, items = %d; want 3 and 60", w.Calls, len(f.items))
	}
}

func TestUnprocessedItemsAreRetried(t *testing.T) {
	f := newTable()
	f.unprocessOne = 2 // the first two calls each leave items behind
	w := writer(f)
	resp, _ := Handle(context.Background(), kinesisEvent(t, "1|1764374400", "2|1764374401", "3|1764374402"), w)
	if len(resp.BatchItemFailures) != 0 || len(f.items) != 3 || w.Calls != 3 {
		t.Fatalf("failures %+v, items %d, calls %d", resp.BatchItemFailures, len(f.items), w.Calls)
	}
}

func TestAPoisonRecordFailsFromItselfOnAndTheRecordsBeforeItAreStored(t *testing.T) {
	f := newTable()
	ev := kinesisEvent(t, "1|1764374400", "2|1764374401", "garbage", "4|1764374403")
	resp, _ := Handle(context.Background(), ev, writer(f))
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ev.Records[2].Kinesis.SequenceNumber {
		t.Fatalf("failures = %+v, want the third record", resp.BatchItemFailures)
	}
	if len(f.items) != 2 {
		t.Fatalf("stored %d items, want the 2 before the poison record", len(f.items))
	}
}

func TestAFailedWriteReportsTheFirstRecordOfItsBatch(t *testing.T) {
	payloads := make([]string, 30)
	for i := range payloads {
		payloads[i] = fmt.Sprintf("1|%d", 1764374400+i)
	}
	f := newTable()
	f.failCall = 2
	ev := kinesisEvent(t, payloads...)
	resp, _ := Handle(context.Background(), ev, writer(f))
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ev.Records[25].Kinesis.SequenceNumber {
		t.Fatalf("failures = %+v, want record 25", resp.BatchItemFailures)
	}
}

func TestStillUnprocessedAfterTheAttemptsIsAFailure(t *testing.T) {
	f := newTable()
	f.unprocessOne = 100
	w := writer(f)
	w.Attempts = 3
	ev := kinesisEvent(t, "1|1764374400")
	resp, _ := Handle(context.Background(), ev, w)
	if len(resp.BatchItemFailures) != 1 || w.Calls != 3 {
		t.Fatalf("failures %+v after %d calls", resp.BatchItemFailures, w.Calls)
	}
}

func TestDuplicateKeysInOneRequestKeepTheLaterValue(t *testing.T) {
	f := newTable()
	// Records 0 and 3 share sensor-0 and the timestamp.
	resp, _ := Handle(context.Background(), kinesisEvent(t, "1|1764374400", "2|1764374401", "3|1764374402", "9|1764374400"), writer(f))
	if len(resp.BatchItemFailures) != 0 || f.items["sensor-0|1764374400"] != "9" || len(f.items) != 3 {
		t.Fatalf("failures %+v, items %v", resp.BatchItemFailures, f.items)
	}
}

// BenchmarkParseAndBatch measures the parse-and-batch path over a 100-record Kinesis batch.
func BenchmarkParseAndBatch(b *testing.B) {
	payloads := make([]string, 100)
	for i := range payloads {
		payloads[i] = fmt.Sprintf("%d.25|%d", i, 1764374400+i)
	}
	ev := kinesisEvent(&testing.T{}, payloads...)
	f := newTable()
	w := writer(f)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Handle(context.Background(), ev, w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ev.Records)*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(w.Calls)/float64(b.N)/float64(len(ev.Records))*25, "requests/25records")
}

func TestThrottledCallsAreRetriedWithinTheBatchAndNothingIsDropped(t *testing.T) {
	f := newTable()
	f.throttle = 3
	resp, err := Handle(context.Background(), kinesisEvent(t, "21.5|1764374400", "22.0|1764374401", "22.5|1764374402"), writer(f))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("a throttled write must be retried in the invocation, got failures %v", resp.BatchItemFailures)
	}
	if len(f.items) != 3 || len(f.calls) != 4 {
		t.Fatalf("want 3 items stored after 3 throttled calls and 1 good one, got %d items in %d calls", len(f.items), len(f.calls))
	}
}

func TestThrottledBeyondTheAttemptsReportsTheBatchForKinesisToRetry(t *testing.T) {
	f := newTable()
	f.throttle = 100
	resp, err := Handle(context.Background(), kinesisEvent(t, "21.5|1764374400", "22.0|1764374401"), writer(f))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || len(f.items) != 0 {
		t.Fatalf("want the first record reported (Kinesis retries from it), nothing stored; got %v, %d items", resp.BatchItemFailures, len(f.items))
	}
}
