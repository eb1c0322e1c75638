package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Resolver is the DNS a verification needs; *net.Resolver is one.
type Resolver interface {
	LookupAddr(ctx context.Context, addr string) ([]string, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Verdict is what a verification found.
type Verdict string

const (
	Genuine  Verdict = "genuine"
	Impostor Verdict = "impostor"
	// Unknown: DNS failed for a reason that may pass (timeout, SERVFAIL). Not cached, not blocked;
	// the next request from the address is verified again.
	Unknown Verdict = "unknown"
)

// Result is a verdict and why.
type Result struct {
	Verdict Verdict
	Reason  string
}

// crawlerDomains are the domains whose hosts a genuine crawler's PTR name ends in.
var crawlerDomains = map[Bot][]string{
	Googlebot: {"googlebot.com", "google.com"},
	Bingbot:   {"search.msn.com"},
}

// LookupTimeout bounds each DNS query of a verification.
const LookupTimeout = 2 * time.Second

// MaxPTRNames bounds the names of one PTR answer that are looked up forward.
const MaxPTRNames = 4

// Verify checks a crawler claim: the address's PTR name must be in the crawler's domains, and the
// forward lookup of that name must return the same address (IPv4 and IPv6 alike).
func Verify(ctx context.Context, r Resolver, claim Claim) Result {
	domains := crawlerDomains[claim.Bot]
	if len(domains) == 0 {
		return Result{Impostor, fmt.Sprintf("no verification for crawler %q", claim.Bot)}
	}
	addr := claim.Addr.Unmap()
	lctx, cancel := context.WithTimeout(ctx, LookupTimeout)
	names, err := r.LookupAddr(lctx, addr.String())
	cancel()
	if err != nil {
		if isNotFound(err) {
			return Result{Impostor, "no PTR record"}
		}
		return Result{Unknown, fmt.Sprintf("PTR lookup failed: %v", err)}
	}
	if len(names) == 0 {
		return Result{Impostor, "no PTR record"}
	}
	if len(names) > MaxPTRNames {
		names = names[:MaxPTRNames]
	}
	var inDomain []string
	transient := ""
	for _, raw := range names {
		name := strings.ToLower(strings.TrimSuffix(raw, "."))
		if !inDomains(name, domains) {
			continue
		}
		inDomain = append(inDomain, name)
		lctx, cancel := context.WithTimeout(ctx, LookupTimeout)
		ips, err := r.LookupIPAddr(lctx, name)
		cancel()
		if err != nil {
			if !isNotFound(err) {
				transient = fmt.Sprintf("forward lookup of %s failed: %v", name, err)
			}
			continue
		}
		for _, ip := range ips {
			if got, ok := netip.AddrFromSlice(ip.IP); ok && got.Unmap() == addr {
				return Result{Genuine, fmt.Sprintf("%s resolves back to %s", name, addr)}
			}
		}
	}
	switch {
	case transient != "":
		return Result{Unknown, transient}
	case len(inDomain) == 0:
		return Result{Impostor, fmt.Sprintf("PTR %s is not in %s", strings.TrimSuffix(names[0], "."), strings.Join(domains, " or "))}
	default:
		return Result{Impostor, fmt.Sprintf("forward lookup of %s does not return %s", strings.Join(inDomain, ", "), addr)}
	}
}

// inDomains reports whether name is one of the domains or a host under one ("evilgooglebot.com" is not).
func inDomains(name string, domains []string) bool {
	for _, d := range domains {
		if name == d || strings.HasSuffix(name, "."+d) {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
