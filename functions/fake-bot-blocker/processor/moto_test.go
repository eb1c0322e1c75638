package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/example-org/platform-delivery/functions/internal/motoserver"
)

func motoWAF(t *testing.T, url string) (*wafv2.Client, *wafv2.CreateIPSetOutput) {
	t.Helper()
	client := wafv2.New(wafv2.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: motoserver.Credentials()})
	set, err := client.CreateIPSet(context.Background(), &wafv2.CreateIPSetInput{
		Name: aws.String("fake-bot-blocker-impostors-v4"), Scope: types.ScopeCloudfront, IPAddressVersion: types.IPAddressVersionIpv4,
		Addresses: []string{"192.0.2.10/32"}, Description: aws.String("impostor crawlers"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return client, set
}

func addresses(t *testing.T, client *wafv2.Client, set *wafv2.CreateIPSetOutput) []string {
	t.Helper()
	got, err := client.GetIPSet(context.Background(), &wafv2.GetIPSetInput{Name: set.Summary.Name, Id: set.Summary.Id, Scope: types.ScopeCloudfront})
	if err != nil {
		t.Fatal(err)
	}
	out := append([]string(nil), got.IPSet.Addresses...)
	sort.Strings(out)
	return out
}

// racingWAF changes the set between our GetIPSet and UpdateIPSet, as another processor would: the
// lock token we hold is stale, and moto refuses it with WAFOptimisticLockException.
type racingWAF struct {
	*wafv2.Client
	races     int
	conflicts int
}

func (r *racingWAF) UpdateIPSet(ctx context.Context, in *wafv2.UpdateIPSetInput, opts ...func(*wafv2.Options)) (*wafv2.UpdateIPSetOutput, error) {
	if r.races > 0 {
		r.races--
		cur, err := r.Client.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: in.Name, Id: in.Id, Scope: in.Scope})
		if err != nil {
			return nil, err
		}
		other := fmt.Sprintf("198.51.100.%d/32", 100+r.races)
		if _, err := r.Client.UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{Name: in.Name, Id: in.Id, Scope: in.Scope, LockToken: cur.LockToken, Addresses: append(cur.IPSet.Addresses, other)}); err != nil {
			return nil, err
		}
	}
	out, err := r.Client.UpdateIPSet(ctx, in, opts...)
	var conflict *types.WAFOptimisticLockException
	if errors.As(err, &conflict) {
		r.conflicts++
	}
	return out, err
}

func TestIPSetAgainstMoto(t *testing.T) {
	url := motoserver.Start(t)
	ctx := context.Background()

	t.Run("adds /32s, keeps what is there and its description", func(t *testing.T) {
		client, set := motoWAF(t, url)
		s := &IPSet{Client: client, Name: *set.Summary.Name, ID: *set.Summary.Id, Scope: types.ScopeCloudfront}
		r, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("192.0.2.10")})
		if err != nil || len(r.Added) != 1 || len(r.Present) != 1 {
			t.Fatalf("%+v %v", r, err)
		}
		if got := addresses(t, client, set); fmt.Sprint(got) != "[192.0.2.10/32 203.0.113.7/32]" {
			t.Fatal(got)
		}
		got, _ := client.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: set.Summary.Name, Id: set.Summary.Id, Scope: types.ScopeCloudfront})
		if aws.ToString(got.IPSet.Description) != "impostor crawlers" {
			t.Fatal(aws.ToString(got.IPSet.Description))
		}
	})

	t.Run("retries a lock conflict from the top and keeps the other writer's address", func(t *testing.T) {
		client, set := motoWAF(t, url)
		racing := &racingWAF{Client: client, races: 2}
		s := &IPSet{Client: racing, Name: *set.Summary.Name, ID: *set.Summary.Id, Scope: types.ScopeCloudfront}
		r, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("203.0.113.7")})
		if err != nil || len(r.Added) != 1 || racing.conflicts != 2 {
			t.Fatalf("%+v %v, %d conflicts", r, err, racing.conflicts)
		}
		if got := addresses(t, client, set); fmt.Sprint(got) != "[192.0.2.10/32 198.51.100.100/32 198.51.100.101/32 203.0.113.7/32]" {
			t.Fatal(got)
		}
	})

	t.Run("gives up after UpdateAttempts conflicts", func(t *testing.T) {
		client, set := motoWAF(t, url)
		racing := &racingWAF{Client: client, races: 100}
		s := &IPSet{Client: racing, Name: *set.Summary.Name, ID: *set.Summary.Id, Scope: types.ScopeCloudfront}
		if _, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("203.0.113.7")}); !errors.Is(err, ErrLockConflicts) || racing.conflicts != UpdateAttempts {
			t.Fatalf("%v after %d conflicts", err, racing.conflicts)
		}
	})

	t.Run("never grows past the limit", func(t *testing.T) {
		client, set := motoWAF(t, url)
		s := &IPSet{Client: client, Name: *set.Summary.Name, ID: *set.Summary.Id, Scope: types.ScopeCloudfront, Limit: 3}
		r, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("203.0.113.2"), netip.MustParseAddr("203.0.113.3")})
		if err != nil || len(r.Added) != 2 || len(r.Full) != 1 || r.Full[0].String() != "203.0.113.3" {
			t.Fatalf("%+v %v", r, err)
		}
		if got := addresses(t, client, set); len(got) != 3 {
			t.Fatal(got)
		}
		// Full, nothing to add: no update call at all.
		if r, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("203.0.113.4")}); err != nil || len(r.Full) != 1 {
			t.Fatalf("%+v %v", r, err)
		}
	})

	t.Run("IPv6 as /128", func(t *testing.T) {
		client := wafv2.New(wafv2.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: motoserver.Credentials()})
		set, err := client.CreateIPSet(ctx, &wafv2.CreateIPSetInput{Name: aws.String("v6"), Scope: types.ScopeRegional, IPAddressVersion: types.IPAddressVersionIpv6, Addresses: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		s := &IPSet{Client: client, Name: "v6", ID: *set.Summary.Id, Scope: types.ScopeRegional}
		if _, err := s.Add(ctx, []netip.Addr{netip.MustParseAddr("2001:db8::66")}); err != nil {
			t.Fatal(err)
		}
		got, _ := client.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: aws.String("v6"), Id: set.Summary.Id, Scope: types.ScopeRegional})
		if fmt.Sprint(got.IPSet.Addresses) != "[2001:db8::66/128]" {
			t.Fatal(got.IPSet.Addresses)
		}
	})
}

func TestVerdictTableAgainstMoto(t *testing.T) {
	url := motoserver.Start(t)
	ctx := context.Background()
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: motoserver.Credentials()})
	if _, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("verdicts"), BillingMode: dbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("ip"), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("ip"), KeyType: dbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	table := &Table{Client: client, Name: "verdicts"}
	now := time.Unix(1764669600, 0)
	entries := map[netip.Addr]Entry{}
	for i := 0; i < 130; i++ { // more than one BatchWriteItem (25) and one BatchGetItem (100)
		entries[netip.AddrFrom4([4]byte{203, 0, 113, byte(i)})] = Entry{Verdict: Impostor, Bot: Googlebot, Reason: "no PTR record", Blocked: i%2 == 0, Expires: now.Add(time.Hour)}
	}
	entries[netip.MustParseAddr("2001:4860:4801:10::1")] = Entry{Verdict: Genuine, Bot: Googlebot, Reason: "resolves back", Expires: now.Add(time.Hour)}
	entries[netip.MustParseAddr("192.0.2.200")] = Entry{Verdict: Genuine, Bot: Bingbot, Expires: now.Add(-time.Second)} // expired, not yet deleted
	if err := table.Put(ctx, entries); err != nil {
		t.Fatal(err)
	}
	var ask []netip.Addr
	for a := range entries {
		ask = append(ask, a)
	}
	ask = append(ask, netip.MustParseAddr("198.51.100.1"))
	got, err := table.Get(ctx, ask, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 131 {
		t.Fatalf("%d live verdicts, want 131 (the expired one and the unknown address left out)", len(got))
	}
	if e := got[netip.MustParseAddr("203.0.113.4")]; e.Verdict != Impostor || !e.Blocked || e.Bot != Googlebot || !e.Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("%+v", e)
	}
	if e := got[netip.MustParseAddr("2001:4860:4801:10::1")]; e.Verdict != Genuine || e.Blocked {
		t.Fatalf("%+v", e)
	}
	// An item someone wrote by hand is skipped, not a crash.
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("verdicts"), Item: map[string]dbtypes.AttributeValue{"ip": &dbtypes.AttributeValueMemberS{Value: "198.51.100.2"}, "verdict": &dbtypes.AttributeValueMemberS{Value: "maybe"}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := table.Get(ctx, []netip.Addr{netip.MustParseAddr("198.51.100.2")}, now); err != nil || len(got) != 0 {
		t.Fatalf("%v %v", got, err)
	}
}
