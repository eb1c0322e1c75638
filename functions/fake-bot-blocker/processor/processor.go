// Package main is the fake-bot-blocker's Firehose processor. WAF log records pass through it on
// their way to S3; it returns every record Ok and unchanged. On the side it verifies the requests
// whose User-Agent claims Googlebot or Bingbot (reverse DNS, then forward DNS back to the same
// address), caches each verdict in a TTL table, and adds impostors to the web ACL's IP sets.
package main

import (
	"context"
	"log/slog"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Processor holds what a batch needs; one per execution environment.
type Processor struct {
	Resolver Resolver
	Memory   *Memory
	Table    interface {
		Get(ctx context.Context, addrs []netip.Addr, now time.Time) (map[netip.Addr]Entry, error)
		Put(ctx context.Context, entries map[netip.Addr]Entry) error
	}
	IPv4, IPv6 interface {
		Add(ctx context.Context, addrs []netip.Addr) (AddResult, error)
	}
	TTL time.Duration
	// MaxVerifications bounds the DNS verifications of one batch; addresses beyond it are verified
	// on their next request. Concurrency bounds the lookups in flight.
	MaxVerifications int
	Concurrency      int
	Now              func() time.Time
	Log              *slog.Logger
}

// Summary is what one batch did, logged as one line.
type Summary struct {
	Records, Lines, Malformed, Claims int
	Cached, Verified, Deferred        int
	Genuine, Impostors, Unknown       int
	Added, AlreadyBlocked, IPSetFull  int
	IPSetFailures, TableFailures      int
}

// Handle returns every record Ok with its data unchanged, whatever happens to the verification:
// WAF logs always reach S3.
func (p *Processor) Handle(ctx context.Context, event events.KinesisFirehoseEvent) (events.KinesisFirehoseResponse, Summary) {
	var sum Summary
	resp := events.KinesisFirehoseResponse{Records: make([]events.KinesisFirehoseResponseRecord, len(event.Records))}
	claims := map[netip.Addr]Bot{}
	var order []netip.Addr
	for i, r := range event.Records {
		resp.Records[i] = events.KinesisFirehoseResponseRecord{RecordID: r.RecordID, Result: events.KinesisFirehoseTransformedStateOk, Data: r.Data}
		sum.Records++
		lines, err := Lines(r.Data)
		if err != nil {
			sum.Malformed++
			p.Log.Warn("malformed record", "recordId", r.RecordID, "error", err.Error())
			continue
		}
		for _, line := range lines {
			sum.Lines++
			claim, ok, err := ClaimOf(line)
			if err != nil {
				sum.Malformed++
				p.Log.Warn("malformed WAF log line", "recordId", r.RecordID, "error", err.Error())
				continue
			}
			if !ok {
				continue
			}
			sum.Claims++
			if _, seen := claims[claim.Addr]; !seen {
				claims[claim.Addr] = claim.Bot
				order = append(order, claim.Addr)
			}
		}
	}
	if len(order) > 0 {
		p.classify(ctx, claims, order, &sum)
	}
	return resp, sum
}

func (p *Processor) classify(ctx context.Context, claims map[netip.Addr]Bot, order []netip.Addr, sum *Summary) {
	now := p.Now()
	verdicts := make(map[netip.Addr]Entry, len(order))
	var misses []netip.Addr
	for _, addr := range order {
		// A verdict is about the address and the crawler it claimed; a new claim is a new check.
		if e, ok := p.Memory.Get(addr, now); ok && e.Bot == claims[addr] {
			verdicts[addr] = e
		} else {
			misses = append(misses, addr)
		}
	}
	if len(misses) > 0 {
		stored, err := p.Table.Get(ctx, misses, now)
		if err != nil {
			sum.TableFailures++
			p.Log.Error("verdict table read failed", "error", err.Error())
		}
		var unknown []netip.Addr
		for _, addr := range misses {
			if e, ok := stored[addr]; ok && e.Bot == claims[addr] {
				verdicts[addr] = e
				p.Memory.Put(addr, e, now)
			} else {
				unknown = append(unknown, addr)
			}
		}
		misses = unknown
	}
	sum.Cached = len(order) - len(misses)
	if len(misses) > p.MaxVerifications {
		sum.Deferred = len(misses) - p.MaxVerifications
		misses = misses[:p.MaxVerifications]
	}
	changed := p.verify(ctx, claims, misses, now, verdicts, sum)

	var block4, block6 []netip.Addr
	for _, addr := range order {
		e, ok := verdicts[addr]
		switch {
		case !ok:
		case e.Verdict == Genuine:
			sum.Genuine++
		case e.Verdict == Impostor:
			sum.Impostors++
			if e.Blocked {
				sum.AlreadyBlocked++
			} else if addr.Is4() {
				block4 = append(block4, addr)
			} else {
				block6 = append(block6, addr)
			}
		}
	}
	for _, set := range []struct {
		name string
		set  interface {
			Add(context.Context, []netip.Addr) (AddResult, error)
		}
		addrs []netip.Addr
	}{{"IPv4", p.IPv4, block4}, {"IPv6", p.IPv6, block6}} {
		if len(set.addrs) == 0 {
			continue
		}
		result, err := set.set.Add(ctx, set.addrs)
		if err != nil {
			sum.IPSetFailures++
			p.Log.Error("ip set update failed", "set", set.name, "addresses", len(set.addrs), "error", err.Error())
			continue
		}
		for _, addr := range append(result.Added, result.Present...) {
			e := verdicts[addr]
			e.Blocked = true
			verdicts[addr], changed[addr] = e, e
		}
		sum.Added += len(result.Added)
		sum.AlreadyBlocked += len(result.Present)
		if len(result.Full) > 0 {
			sum.IPSetFull += len(result.Full)
			p.Log.Error("ip set full", "set", set.name, "limit", IPSetLimit, "notAdded", addrStrings(result.Full))
		}
	}
	for addr, e := range changed {
		p.Memory.Put(addr, e, now)
	}
	if len(changed) > 0 {
		if err := p.Table.Put(ctx, changed); err != nil {
			sum.TableFailures++
			p.Log.Error("verdict table write failed", "error", err.Error())
		}
	}
}

// verify runs the DNS checks of the misses, Concurrency at a time, and returns the new verdicts.
func (p *Processor) verify(ctx context.Context, claims map[netip.Addr]Bot, misses []netip.Addr, now time.Time, verdicts map[netip.Addr]Entry, sum *Summary) map[netip.Addr]Entry {
	results := make([]Result, len(misses))
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(p.Concurrency, 1))
	for i, addr := range misses {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			results[i] = Verify(ctx, p.Resolver, Claim{Addr: addr, Bot: claims[addr]})
		}()
	}
	wg.Wait()
	sum.Verified = len(misses)
	changed := map[netip.Addr]Entry{}
	for i, addr := range misses {
		r := results[i]
		if r.Verdict == Unknown {
			sum.Unknown++
			p.Log.Warn("claim not verified", "ip", addr.String(), "bot", claims[addr].String(), "reason", r.Reason)
			continue
		}
		e := Entry{Verdict: r.Verdict, Bot: claims[addr], Reason: r.Reason, Expires: now.Add(p.TTL)}
		verdicts[addr], changed[addr] = e, e
		if r.Verdict == Impostor {
			p.Log.Info("impostor", "ip", addr.String(), "bot", claims[addr].String(), "reason", r.Reason)
		}
	}
	return changed
}

func addrStrings(addrs []netip.Addr) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	sort.Strings(out)
	return out
}
