package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// benchBatch is a Firehose batch of 500 WAF log lines, one per record as WAF sends them: 90% browsers,
// 5% genuine Googlebot from 20 addresses, 5% impostors from 20 addresses (already blocked).
func benchBatch(b *testing.B) (events.KinesisFirehoseEvent, *Processor) {
	lines := fixtureLines(b)
	browser, genuine := lines[3], lines[0]
	var records [][]byte
	p := &Processor{Resolver: crawlerDNS(), Memory: NewMemory(1000), Table: &memTable{items: map[netip.Addr]Entry{}}, IPv4: &memIPSet{addrs: map[netip.Addr]bool{}, limit: IPSetLimit}, IPv6: &memIPSet{addrs: map[netip.Addr]bool{}, limit: IPSetLimit}, TTL: time.Hour, MaxVerifications: 100, Concurrency: 1, Now: time.Now, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	for i := 0; i < 500; i++ {
		switch i % 20 {
		case 0:
			ip := fmt.Sprintf("66.249.66.%d", 1+(i/20)%20)
			records = append(records, []byte(replaceIP(string(genuine), "66.249.66.1", ip)))
			p.Memory.Put(netip.MustParseAddr(ip), Entry{Verdict: Genuine, Bot: Googlebot, Expires: time.Now().Add(time.Hour)}, time.Now())
		case 10:
			ip := fmt.Sprintf("203.0.113.%d", (i/20)%20)
			records = append(records, []byte(replaceIP(string(genuine), "66.249.66.1", ip)))
			p.Memory.Put(netip.MustParseAddr(ip), Entry{Verdict: Impostor, Bot: Googlebot, Blocked: true, Expires: time.Now().Add(time.Hour)}, time.Now())
		default:
			records = append(records, browser)
		}
	}
	return firehoseEvent(b, records...), p
}

func replaceIP(line, from, to string) string {
	var v map[string]any
	_ = json.Unmarshal([]byte(line), &v)
	v["httpRequest"].(map[string]any)["clientIp"] = to
	out, _ := json.Marshal(v)
	return string(out)
}

// BenchmarkClassify: the processor's work per batch with a warm verdict cache (memory).
func BenchmarkClassify(b *testing.B) {
	ev, p := benchBatch(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, sum := p.Handle(ctx, ev); sum.Cached != 40 || sum.Verified != 0 {
			b.Fatalf("cache not warm: %+v", sum)
		}
	}
	b.ReportMetric(float64(len(ev.Records)*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkClassifyWithEventDecoding adds what the runtime does first: the event's JSON and base64.
func BenchmarkClassifyWithEventDecoding(b *testing.B) {
	ev, p := benchBatch(b)
	body, _ := json.Marshal(ev)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var decoded events.KinesisFirehoseEvent
		if err := json.Unmarshal(body, &decoded); err != nil {
			b.Fatal(err)
		}
		resp, _ := p.Handle(ctx, decoded)
		if _, err := json.Marshal(resp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ev.Records)*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(0, "ns/op")
}
