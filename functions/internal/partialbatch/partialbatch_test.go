package partialbatch

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// A FIFO SQS event in the shape Lambda delivers (trimmed to the fields used).
const fifoEvent = `{"Records":[
 {"messageId":"m1","body":"ok","attributes":{"MessageGroupId":"job-1"},"eventSource":"aws:sqs"},
 {"messageId":"m2","body":"bad","attributes":{"MessageGroupId":"job-1"},"eventSource":"aws:sqs"},
 {"messageId":"m3","body":"ok","attributes":{"MessageGroupId":"job-1"},"eventSource":"aws:sqs"},
 {"messageId":"m4","body":"ok","attributes":{"MessageGroupId":"job-2"},"eventSource":"aws:sqs"}
]}`

func failOn(body string) SQSRecordHandler {
	return func(_ context.Context, m events.SQSMessage) error {
		if m.Body == body {
			return errors.New("malformed")
		}
		return nil
	}
}

func ids(fs []events.SQSBatchItemFailure) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.ItemIdentifier)
	}
	return out
}

func TestFIFOFailureSkipsTheRestOfItsGroupOnly(t *testing.T) {
	var ev events.SQSEvent
	if err := json.Unmarshal([]byte(fifoEvent), &ev); err != nil {
		t.Fatal(err)
	}
	var seen []string
	handle := func(ctx context.Context, m events.SQSMessage) error {
		seen = append(seen, m.MessageId)
		return failOn("bad")(ctx, m)
	}
	resp := ProcessSQS(context.Background(), ev, handle)
	if got, want := ids(resp.BatchItemFailures), []string{"m2", "m3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v, want %v", got, want)
	}
	if want := []string{"m1", "m2", "m4"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("processed = %v, want %v (m3 must wait behind m2)", seen, want)
	}
}

func TestStandardQueueFailuresAreIndependent(t *testing.T) {
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "a", Body: "bad"}, {MessageId: "b", Body: "ok"}, {MessageId: "c", Body: "bad"},
	}}
	resp := ProcessSQS(context.Background(), ev, failOn("bad"))
	if got, want := ids(resp.BatchItemFailures), []string{"a", "c"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v, want %v", got, want)
	}
}

func TestAllGoodReportsAnEmptyList(t *testing.T) {
	ev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "a", Body: "ok"}}}
	resp := ProcessSQS(context.Background(), ev, failOn("bad"))
	b, _ := json.Marshal(resp)
	if string(b) != `{"batchItemFailures":[]}` {
		t.Fatalf("response = %s", b)
	}
}

func TestKinesisStopsAtFirstFailure(t *testing.T) {
	ev := events.KinesisEvent{Records: []events.KinesisEventRecord{
		{Kinesis: events.KinesisRecord{SequenceNumber: "1", Data: []byte("ok")}},
		{Kinesis: events.KinesisRecord{SequenceNumber: "2", Data: []byte("bad")}},
		{Kinesis: events.KinesisRecord{SequenceNumber: "3", Data: []byte("ok")}},
	}}
	calls := 0
	resp := ProcessKinesis(context.Background(), ev, func(_ context.Context, r events.KinesisEventRecord) error {
		calls++
		if string(r.Kinesis.Data) == "bad" {
			return errors.New("bad")
		}
		return nil
	})
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "2" {
		t.Fatalf("failures = %+v, want sequence 2 only", resp.BatchItemFailures)
	}
	if calls != 2 {
		t.Fatalf("handler called %d times, want 2 (stop at the failure)", calls)
	}
}
