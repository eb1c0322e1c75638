package main

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Entry is a cached verdict. Blocked says the address is in the IP set: an impostor that did not
// fit (the set was full) or whose update failed stays unblocked and is added on its next request.
type Entry struct {
	Verdict Verdict
	Bot     Bot
	Reason  string
	Blocked bool
	Expires time.Time
}

// Memory is the execution environment's own verdict cache, in front of the table: a warm function
// classifies a known address without a network call. Bounded to Max entries.
type Memory struct {
	Max     int
	entries map[netip.Addr]Entry
}

func NewMemory(max int) *Memory { return &Memory{Max: max, entries: make(map[netip.Addr]Entry, 1024)} }

func (m *Memory) Get(addr netip.Addr, now time.Time) (Entry, bool) {
	e, ok := m.entries[addr]
	if ok && !now.Before(e.Expires) {
		delete(m.entries, addr)
		return Entry{}, false
	}
	return e, ok
}

func (m *Memory) Put(addr netip.Addr, e Entry, now time.Time) {
	if _, present := m.entries[addr]; !present && len(m.entries) >= m.Max {
		for a, old := range m.entries {
			if !now.Before(old.Expires) {
				delete(m.entries, a)
			}
		}
		if len(m.entries) >= m.Max {
			// Still full of live verdicts: start over rather than grow; the table still has them.
			m.entries = make(map[netip.Addr]Entry, 1024)
		}
	}
	m.entries[addr] = e
}

// DynamoAPI is the part of the DynamoDB client the verdict table uses.
type DynamoAPI interface {
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// Table is the verdict table: key ip, TTL attribute expiresAt (epoch seconds). DynamoDB deletes
// expired items lazily, so Get skips those itself.
type Table struct {
	Client DynamoAPI
	Name   string
}

const (
	batchGetMax   = 100
	batchWriteMax = 25
	// batchAttempts bounds the retries of unprocessed keys and items.
	batchAttempts = 4
)

// Get returns the live verdicts of the addresses the table holds.
func (t *Table) Get(ctx context.Context, addrs []netip.Addr, now time.Time) (map[netip.Addr]Entry, error) {
	found := make(map[netip.Addr]Entry, len(addrs))
	for start := 0; start < len(addrs); start += batchGetMax {
		keys := make([]map[string]types.AttributeValue, 0, batchGetMax)
		for _, a := range addrs[start:min(start+batchGetMax, len(addrs))] {
			keys = append(keys, map[string]types.AttributeValue{"ip": &types.AttributeValueMemberS{Value: a.String()}})
		}
		request := map[string]types.KeysAndAttributes{t.Name: {Keys: keys, ConsistentRead: aws.Bool(false)}}
		for attempt := 0; len(request) > 0; attempt++ {
			if attempt == batchAttempts {
				return found, fmt.Errorf("verdict table: %d keys still unprocessed after %d attempts", len(request[t.Name].Keys), batchAttempts)
			}
			out, err := t.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: request})
			if err != nil {
				return found, fmt.Errorf("verdict table: BatchGetItem: %w", err)
			}
			for _, item := range out.Responses[t.Name] {
				if addr, e, ok := decodeEntry(item); ok && now.Before(e.Expires) {
					found[addr] = e
				}
			}
			if request = out.UnprocessedKeys; len(request) > 0 {
				backoff(ctx, attempt)
			}
		}
	}
	return found, nil
}

// Put writes verdicts (an address at most once per call).
func (t *Table) Put(ctx context.Context, entries map[netip.Addr]Entry) error {
	writes := make([]types.WriteRequest, 0, len(entries))
	for addr, e := range entries {
		writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: encodeEntry(addr, e)}})
	}
	for start := 0; start < len(writes); start += batchWriteMax {
		request := map[string][]types.WriteRequest{t.Name: writes[start:min(start+batchWriteMax, len(writes))]}
		for attempt := 0; len(request) > 0; attempt++ {
			if attempt == batchAttempts {
				return fmt.Errorf("verdict table: %d writes still unprocessed after %d attempts", len(request[t.Name]), batchAttempts)
			}
			out, err := t.Client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: request})
			if err != nil {
				return fmt.Errorf("verdict table: BatchWriteItem: %w", err)
			}
			if request = out.UnprocessedItems; len(request) > 0 {
				backoff(ctx, attempt)
			}
		}
	}
	return nil
}

func encodeEntry(addr netip.Addr, e Entry) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"ip":        &types.AttributeValueMemberS{Value: addr.String()},
		"verdict":   &types.AttributeValueMemberS{Value: string(e.Verdict)},
		"bot":       &types.AttributeValueMemberS{Value: e.Bot.String()},
		"reason":    &types.AttributeValueMemberS{Value: e.Reason},
		"blocked":   &types.AttributeValueMemberBOOL{Value: e.Blocked},
		"expiresAt": &types.AttributeValueMemberN{Value: strconv.FormatInt(e.Expires.Unix(), 10)},
	}
}

// decodeEntry reads an item; one that is not a verdict of ours (edited by hand, say) is skipped.
func decodeEntry(item map[string]types.AttributeValue) (netip.Addr, Entry, bool) {
	s := func(k string) string {
		if v, ok := item[k].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	addr, err := netip.ParseAddr(s("ip"))
	if err != nil {
		return netip.Addr{}, Entry{}, false
	}
	n, ok := item["expiresAt"].(*types.AttributeValueMemberN)
	if !ok {
		return netip.Addr{}, Entry{}, false
	}
	expires, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return netip.Addr{}, Entry{}, false
	}
	verdict := Verdict(s("verdict"))
	if verdict != Genuine && verdict != Impostor {
		return netip.Addr{}, Entry{}, false
	}
	bot := map[string]Bot{"google": Googlebot, "bing": Bingbot}[s("bot")]
	blocked, _ := item["blocked"].(*types.AttributeValueMemberBOOL)
	return addr, Entry{Verdict: verdict, Bot: bot, Reason: s("reason"), Blocked: blocked != nil && blocked.Value, Expires: time.Unix(expires, 0)}, true
}

// backoff waits 50 ms, 100 ms, 200 ms… between attempts, or less when the context ends.
func backoff(ctx context.Context, attempt int) {
	t := time.NewTimer(time.Duration(50<<attempt) * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
