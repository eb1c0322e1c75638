package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// firehoseEvent builds a Firehose transformation event the way Lambda delivers it (JSON, data in
// base64) and decodes it the way the runtime does.
func firehoseEvent(t testing.TB, records ...[]byte) events.KinesisFirehoseEvent {
	t.Helper()
	type rec struct {
		RecordID  string `json:"recordId"`
		Timestamp int64  `json:"approximateArrivalTimestamp"`
		Data      string `json:"data"`
	}
	raw := struct {
		InvocationID      string `json:"invocationId"`
		DeliveryStreamArn string `json:"deliveryStreamArn"`
		Region            string `json:"region"`
		Records           []rec  `json:"records"`
	}{"4f1e0c9a-3b2d-4e5f-8a7b-6c5d4e3f2a1b", "arn:aws:firehose:us-east-1:111122223333:deliverystream/aws-waf-logs-fake-bot-blocker", "us-east-1", nil}
	for i, r := range records {
		raw.Records = append(raw.Records, rec{RecordID: "4963" + strings.Repeat("0", 50) + string(rune('a'+i)), Timestamp: 1764633600123, Data: base64.StdEncoding.EncodeToString(r)})
	}
	body, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.KinesisFirehoseEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

type memTable struct {
	items  map[netip.Addr]Entry
	fail   error
	writes int
}

func (m *memTable) Get(_ context.Context, addrs []netip.Addr, now time.Time) (map[netip.Addr]Entry, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	out := map[netip.Addr]Entry{}
	for _, a := range addrs {
		if e, ok := m.items[a]; ok && now.Before(e.Expires) {
			out[a] = e
		}
	}
	return out, nil
}

func (m *memTable) Put(_ context.Context, entries map[netip.Addr]Entry) error {
	if m.fail != nil {
		return m.fail
	}
	for a, e := range entries {
		m.items[a] = e
		m.writes++
	}
	return nil
}

type memIPSet struct {
	addrs map[netip.Addr]bool
	limit int
	fail  error
	calls int
}

func (s *memIPSet) Add(_ context.Context, addrs []netip.Addr) (AddResult, error) {
	s.calls++
	if s.fail != nil {
		return AddResult{}, s.fail
	}
	var r AddResult
	for _, a := range addrs {
		switch {
		case s.addrs[a]:
			r.Present = append(r.Present, a)
		case len(s.addrs) >= s.limit:
			r.Full = append(r.Full, a)
		default:
			s.addrs[a] = true
			r.Added = append(r.Added, a)
		}
	}
	return r, nil
}

var clock = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

type harness struct {
	p          *Processor
	dns        *fakeDNS
	table      *memTable
	ipv4, ipv6 *memIPSet
	logs       *bytes.Buffer
}

func newHarness() *harness {
	h := &harness{dns: crawlerDNS(), table: &memTable{items: map[netip.Addr]Entry{}}, ipv4: &memIPSet{addrs: map[netip.Addr]bool{}, limit: IPSetLimit}, ipv6: &memIPSet{addrs: map[netip.Addr]bool{}, limit: IPSetLimit}, logs: &bytes.Buffer{}}
	h.p = &Processor{Resolver: h.dns, Memory: NewMemory(1000), Table: h.table, IPv4: h.ipv4, IPv6: h.ipv6, TTL: 24 * time.Hour, MaxVerifications: 100, Concurrency: 4, Now: func() time.Time { return clock }, Log: slog.New(slog.NewJSONHandler(h.logs, nil))}
	return h
}

// assertPassedThrough checks the invariant of a Firehose processor here: every record Ok, data unchanged, in order.
func assertPassedThrough(t *testing.T, ev events.KinesisFirehoseEvent, resp events.KinesisFirehoseResponse) {
	t.Helper()
	if len(resp.Records) != len(ev.Records) {
		t.Fatalf("%d records back for %d", len(resp.Records), len(ev.Records))
	}
	for i, r := range resp.Records {
		if r.RecordID != ev.Records[i].RecordID || r.Result != events.KinesisFirehoseTransformedStateOk || !bytes.Equal(r.Data, ev.Records[i].Data) {
			t.Fatalf("record %d: %s %s, data changed: %v", i, r.RecordID, r.Result, !bytes.Equal(r.Data, ev.Records[i].Data))
		}
	}
	// And as Firehose reads it: JSON with the data in base64.
	body, _ := json.Marshal(resp)
	if !strings.Contains(string(body), `"result":"Ok"`) || !strings.Contains(string(body), base64.StdEncoding.EncodeToString(ev.Records[0].Data)) {
		t.Fatalf("response JSON: %s", body[:min(len(body), 300)])
	}
}

func TestBatchOfWAFLogs(t *testing.T) {
	h := newHarness()
	data, _ := os.ReadFile("testdata/waf-log-lines.jsonl")
	lines := fixtureLines(t)
	// One line per record as WAF sends them, one gzip record holding several lines, and the whole file.
	records := append(append([][]byte{}, lines...), gzipped(t, data), append(data, '\n'))
	ev := firehoseEvent(t, records...)
	resp, sum := h.p.Handle(context.Background(), ev)
	assertPassedThrough(t, ev, resp)
	if sum.Records != 9 || sum.Malformed != 0 || sum.Claims != 15 {
		t.Fatalf("summary %+v", sum)
	}
	if sum.Verified != 4 || sum.Genuine != 3 || sum.Impostors != 1 || sum.Added != 1 {
		t.Fatalf("summary %+v: want 4 addresses verified once each, 3 genuine, 1 impostor added", sum)
	}
	if !h.ipv4.addrs[netip.MustParseAddr("203.0.113.7")] || len(h.ipv4.addrs) != 1 || len(h.ipv6.addrs) != 0 {
		t.Fatalf("IP sets: v4 %v, v6 %v", h.ipv4.addrs, h.ipv6.addrs)
	}
	if e := h.table.items[netip.MustParseAddr("203.0.113.7")]; e.Verdict != Impostor || !e.Blocked || !e.Expires.Equal(clock.Add(24*time.Hour)) {
		t.Fatalf("stored verdict %+v", e)
	}
	if e := h.table.items[netip.MustParseAddr("2001:4860:4801:10::1")]; e.Verdict != Genuine || e.Blocked {
		t.Fatalf("stored verdict %+v", e)
	}

	// The same batch again: every verdict from memory, no DNS, no IP set call.
	lookups, calls := h.dns.lookups, h.ipv4.calls
	_, again := h.p.Handle(context.Background(), ev)
	if again.Cached != 4 || again.Verified != 0 || h.dns.lookups != lookups || h.ipv4.calls != calls || again.AlreadyBlocked != 1 {
		t.Fatalf("repeat: %+v, %d more lookups, %d more IP set calls", again, h.dns.lookups-lookups, h.ipv4.calls-calls)
	}
}

func TestVerdictsComeFromTheTableInANewEnvironment(t *testing.T) {
	h := newHarness()
	ev := firehoseEvent(t, fixtureLines(t)...)
	h.p.Handle(context.Background(), ev)
	fresh := newHarness()
	fresh.table = h.table
	fresh.p.Table = h.table
	_, sum := fresh.p.Handle(context.Background(), ev)
	if sum.Cached != 4 || fresh.dns.lookups != 0 {
		t.Fatalf("%+v, %d lookups: a cold environment should read the table", sum, fresh.dns.lookups)
	}
	// Expired verdicts are verified again (DynamoDB deletes TTL items late).
	later := newHarness()
	later.p.Table = h.table
	later.p.Now = func() time.Time { return clock.Add(25 * time.Hour) }
	if _, sum := later.p.Handle(context.Background(), ev); sum.Verified != 4 {
		t.Fatalf("%+v", sum)
	}
}

func TestImpostorOverIPv6GoesToTheIPv6Set(t *testing.T) {
	h := newHarness()
	line := `{"httpRequest":{"clientIp":"2001:db8::66","headers":[{"name":"User-Agent","value":"Googlebot/2.1"}]}}`
	h.p.Handle(context.Background(), firehoseEvent(t, []byte(line)))
	if !h.ipv6.addrs[netip.MustParseAddr("2001:db8::66")] || len(h.ipv4.addrs) != 0 {
		t.Fatalf("v4 %v v6 %v", h.ipv4.addrs, h.ipv6.addrs)
	}
}

func TestMalformedRecordsPassThroughAndDoNotStopTheBatch(t *testing.T) {
	h := newHarness()
	lines := fixtureLines(t)
	ev := firehoseEvent(t, []byte("not a log"), []byte{0x1f, 0x8b, 0x08, 0x00}, []byte(`{"httpRequest":{"clientIp":"999.1.1.1","headers":[{"name":"user-agent","value":"Googlebot"}]}}`), []byte{}, lines[1])
	resp, sum := h.p.Handle(context.Background(), ev)
	assertPassedThrough(t, ev, resp)
	if sum.Malformed != 3 || sum.Impostors != 1 {
		t.Fatalf("%+v", sum)
	}
	if !strings.Contains(h.logs.String(), `"msg":"malformed record"`) || !strings.Contains(h.logs.String(), `"msg":"malformed WAF log line"`) {
		t.Fatal(h.logs.String())
	}
}

func TestAnUnverifiedClaimIsNeitherCachedNorBlocked(t *testing.T) {
	h := newHarness()
	line := `{"httpRequest":{"clientIp":"192.0.2.1","headers":[{"name":"User-Agent","value":"Googlebot/2.1"}]}}`
	_, sum := h.p.Handle(context.Background(), firehoseEvent(t, []byte(line)))
	if sum.Unknown != 1 || len(h.table.items) != 0 || len(h.ipv4.addrs) != 0 {
		t.Fatalf("%+v, table %v", sum, h.table.items)
	}
}

func TestFailuresOfTheSideEffectsStillReturnEveryRecord(t *testing.T) {
	h := newHarness()
	h.ipv4.fail = errors.New("AccessDeniedException: not authorized to perform wafv2:UpdateIPSet")
	h.table.fail = errors.New("ProvisionedThroughputExceededException")
	ev := firehoseEvent(t, fixtureLines(t)...)
	resp, sum := h.p.Handle(context.Background(), ev)
	assertPassedThrough(t, ev, resp)
	if sum.IPSetFailures != 1 || sum.TableFailures != 2 {
		t.Fatalf("%+v", sum)
	}
	for _, msg := range []string{"ip set update failed", "verdict table read failed", "verdict table write failed"} {
		if !strings.Contains(h.logs.String(), `"msg":"`+msg+`"`) {
			t.Fatalf("no %q in %s", msg, h.logs.String())
		}
	}
	// The impostor is not marked blocked, so the next batch tries the IP set again.
	h.ipv4.fail, h.table.fail = nil, nil
	h.p.Handle(context.Background(), ev)
	if !h.ipv4.addrs[netip.MustParseAddr("203.0.113.7")] {
		t.Fatal("the impostor was not added once the IP set worked again")
	}
}

func TestAFullIPSetLeavesImpostorsUnblockedAndSaysSo(t *testing.T) {
	h := newHarness()
	h.ipv4.limit = 0
	_, sum := h.p.Handle(context.Background(), firehoseEvent(t, fixtureLines(t)...))
	if sum.IPSetFull != 1 || sum.Added != 0 || !strings.Contains(h.logs.String(), `"msg":"ip set full"`) {
		t.Fatalf("%+v %s", sum, h.logs.String())
	}
	if e := h.table.items[netip.MustParseAddr("203.0.113.7")]; e.Verdict != Impostor || e.Blocked {
		t.Fatalf("%+v: the verdict is kept (no more DNS), unblocked (tried again when there is room)", e)
	}
}

func TestVerificationsPerBatchAreBounded(t *testing.T) {
	h := newHarness()
	h.p.MaxVerifications = 2
	_, sum := h.p.Handle(context.Background(), firehoseEvent(t, fixtureLines(t)...))
	if sum.Verified != 2 || sum.Deferred != 2 {
		t.Fatalf("%+v", sum)
	}
}

// AWS's own sample event (aws-lambda-go's testdata): records that are not WAF logs pass through unchanged.
func TestAWSSampleFirehoseEvent(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(strings.TrimSpace(string(dir)), "events", "testdata", "kinesis-firehose-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body, _ := io.ReadAll(f)
	var ev events.KinesisFirehoseEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	h := newHarness()
	resp, sum := h.p.Handle(context.Background(), ev)
	assertPassedThrough(t, ev, resp)
	if sum.Records != len(ev.Records) || sum.Claims != 0 || sum.Malformed != len(ev.Records) {
		t.Fatalf("%+v", sum)
	}
}
