package main

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// fakeDNS answers from tables; a name or address it does not hold is NXDOMAIN, as net.Resolver reports it.
type fakeDNS struct {
	ptr       map[string][]string
	forward   map[string][]string
	temporary map[string]bool
	lookups   int
}

func (f *fakeDNS) LookupAddr(_ context.Context, addr string) ([]string, error) {
	f.lookups++
	if f.temporary[addr] {
		return nil, &net.DNSError{Err: "server misbehaving", Name: addr, IsTemporary: true}
	}
	names, ok := f.ptr[addr]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: addr, IsNotFound: true}
	}
	return names, nil
}

func (f *fakeDNS) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.lookups++
	if f.temporary[host] {
		return nil, &net.DNSError{Err: "i/o timeout", Name: host, IsTimeout: true, IsTemporary: true}
	}
	addrs, ok := f.forward[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]net.IPAddr, len(addrs))
	for i, a := range addrs {
		out[i] = net.IPAddr{IP: net.ParseIP(a)}
	}
	return out, nil
}

// crawlerDNS holds real crawler names (Google's and Bing's published reverse-DNS patterns) and the impostors of the tests.
func crawlerDNS() *fakeDNS {
	return &fakeDNS{
		ptr: map[string][]string{
			"66.249.66.1":          {"crawl-66-249-66-1.googlebot.com."},
			"66.249.90.77":         {"rate-limited-proxy-66-249-90-77.google.com."},
			"157.55.39.1":          {"msnbot-157-55-39-1.search.msn.com."},
			"2001:4860:4801:10::1": {"crawl-2001-4860-4801-10--1.googlebot.com."},
			"203.0.113.7":          {"host-7.example.net."},
			"203.0.113.8":          {"crawl-203-0-113-8.googlebot.com."},
			"203.0.113.9":          {"crawl.evilgooglebot.com."},
			"203.0.113.10":         {"googlebot.com.attacker.example."},
			"2001:db8::66":         {"crawl-66-249-66-1.googlebot.com."},
			"198.51.100.5":         {"msnbot-198-51-100-5.search.msn.com."},
		},
		forward: map[string][]string{
			"crawl-66-249-66-1.googlebot.com":            {"66.249.66.1"},
			"rate-limited-proxy-66-249-90-77.google.com": {"66.249.90.77"},
			"msnbot-157-55-39-1.search.msn.com":          {"157.55.39.1"},
			// Written out in full: the comparison is of addresses, not of their text.
			"crawl-2001-4860-4801-10--1.googlebot.com": {"2001:4860:4801:0010:0000:0000:0000:0001"},
			"crawl-203-0-113-8.googlebot.com":          {"66.249.66.8"},
			"crawl.evilgooglebot.com":                  {"203.0.113.9"},
			"googlebot.com.attacker.example":           {"203.0.113.10"},
		},
		temporary: map[string]bool{"192.0.2.1": true, "msnbot-198-51-100-5.search.msn.com": true},
	}
}

func TestVerify(t *testing.T) {
	cases := []struct {
		name, addr string
		bot        Bot
		want       Verdict
		reason     string
	}{
		{"genuine Googlebot", "66.249.66.1", Googlebot, Genuine, "resolves back"},
		{"genuine Google fetcher under google.com", "66.249.90.77", Googlebot, Genuine, "resolves back"},
		{"genuine Bingbot", "157.55.39.1", Bingbot, Genuine, "resolves back"},
		{"genuine Googlebot over IPv6", "2001:4860:4801:10::1", Googlebot, Genuine, "resolves back"},
		{"IPv4-mapped IPv6 is the IPv4 address", "::ffff:66.249.66.1", Googlebot, Genuine, "resolves back"},
		{"impostor: PTR outside Google", "203.0.113.7", Googlebot, Impostor, "PTR host-7.example.net is not in googlebot.com or google.com"},
		{"impostor: no PTR, no crash", "203.0.113.99", Googlebot, Impostor, "no PTR record"},
		{"impostor: PTR says googlebot.com, forward says otherwise", "203.0.113.8", Googlebot, Impostor, "forward lookup of crawl-203-0-113-8.googlebot.com does not return 203.0.113.8"},
		{"impostor: a domain that only ends in the letters", "203.0.113.9", Googlebot, Impostor, "is not in"},
		{"impostor: the domain as a prefix", "203.0.113.10", Googlebot, Impostor, "is not in"},
		{"impostor over IPv6: a Google PTR that resolves elsewhere", "2001:db8::66", Googlebot, Impostor, "does not return 2001:db8::66"},
		{"impostor: Bing UA from a Google address", "66.249.66.1", Bingbot, Impostor, "is not in search.msn.com"},
		{"unknown: PTR lookup failed for a while", "192.0.2.1", Googlebot, Unknown, "PTR lookup failed"},
		{"unknown: forward lookup timed out", "198.51.100.5", Bingbot, Unknown, "forward lookup of msnbot-198-51-100-5.search.msn.com failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Verify(context.Background(), crawlerDNS(), Claim{Addr: netip.MustParseAddr(c.addr), Bot: c.bot})
			if got.Verdict != c.want || !strings.Contains(got.Reason, c.reason) {
				t.Fatalf("Verify(%s, %s) = %+v, want %s with reason containing %q", c.addr, c.bot, got, c.want, c.reason)
			}
		})
	}
}

func TestVerifyLooksUpAtMostAFewPTRNames(t *testing.T) {
	dns := crawlerDNS()
	many := make([]string, 50)
	for i := range many {
		many[i] = "crawl-x.googlebot.com."
	}
	dns.ptr["203.0.113.50"] = many
	if got := Verify(context.Background(), dns, Claim{Addr: netip.MustParseAddr("203.0.113.50"), Bot: Googlebot}); got.Verdict != Impostor {
		t.Fatalf("got %+v", got)
	}
	if dns.lookups != 1+MaxPTRNames {
		t.Fatalf("%d lookups, want 1 PTR and at most %d forward", dns.lookups, MaxPTRNames)
	}
}

func TestVerifyStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := Verify(ctx, net.DefaultResolver, Claim{Addr: netip.MustParseAddr("66.249.66.1"), Bot: Googlebot})
	if got.Verdict != Unknown {
		t.Fatalf("a cancelled lookup must leave the claim unverified, got %+v", got)
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal(ctx.Err())
	}
}
