package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// WAFAPI is the part of the WAFv2 client the IP set update uses.
type WAFAPI interface {
	GetIPSet(ctx context.Context, in *wafv2.GetIPSetInput, opts ...func(*wafv2.Options)) (*wafv2.GetIPSetOutput, error)
	UpdateIPSet(ctx context.Context, in *wafv2.UpdateIPSetInput, opts ...func(*wafv2.Options)) (*wafv2.UpdateIPSetOutput, error)
}

// IPSetLimit is the most addresses a WAF IP set holds (a WAF quota).
const IPSetLimit = 10000

// UpdateAttempts bounds the read-modify-write cycles when another writer changes the set between
// our GetIPSet and UpdateIPSet (WAFOptimisticLockException).
const UpdateAttempts = 5

// IPSet is one WAF IP set of one address family (a set holds IPv4 or IPv6 addresses, not both).
type IPSet struct {
	Client WAFAPI
	Name   string
	ID     string
	Scope  types.Scope
	// Limit is the most addresses the set may hold (IPSetLimit unless a test says less).
	Limit int
}

// AddResult says what happened to each address asked for.
type AddResult struct {
	Added   []netip.Addr
	Present []netip.Addr
	// Full are the addresses left out because the set reached its limit.
	Full []netip.Addr
}

// ErrLockConflicts marks an update that lost the optimistic lock UpdateAttempts times in a row.
var ErrLockConflicts = errors.New("IP set kept changing under us")

// Add puts addresses into the set as /32 or /128: GetIPSet, then UpdateIPSet with its lock token,
// again from the top on WAFOptimisticLockException. The set never exceeds its limit; what does not
// fit is returned in Full.
func (s *IPSet) Add(ctx context.Context, addrs []netip.Addr) (AddResult, error) {
	for attempt := 0; attempt < UpdateAttempts; attempt++ {
		got, err := s.Client.GetIPSet(ctx, &wafv2.GetIPSetInput{Name: aws.String(s.Name), Id: aws.String(s.ID), Scope: s.Scope})
		if err != nil {
			return AddResult{}, fmt.Errorf("GetIPSet %s: %w", s.Name, err)
		}
		existing := got.IPSet.Addresses
		present := make(map[netip.Prefix]bool, len(existing))
		for _, a := range existing {
			if p, err := netip.ParsePrefix(a); err == nil {
				present[p.Masked()] = true
			}
		}
		var result AddResult
		next := append([]string(nil), existing...)
		for _, addr := range addrs {
			p := netip.PrefixFrom(addr, addr.BitLen())
			switch {
			case present[p]:
				result.Present = append(result.Present, addr)
			case len(next) >= s.limit():
				result.Full = append(result.Full, addr)
			default:
				present[p] = true
				next = append(next, p.String())
				result.Added = append(result.Added, addr)
			}
		}
		if len(result.Added) == 0 {
			return result, nil
		}
		description := got.IPSet.Description // UpdateIPSet replaces it: keep the set's own
		if description != nil && *description == "" {
			description = nil
		}
		_, err = s.Client.UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{
			Name: aws.String(s.Name), Id: aws.String(s.ID), Scope: s.Scope,
			Addresses: next, LockToken: got.LockToken, Description: description,
		})
		var conflict *types.WAFOptimisticLockException
		if errors.As(err, &conflict) {
			backoff(ctx, attempt)
			continue
		}
		if err != nil {
			return AddResult{}, fmt.Errorf("UpdateIPSet %s: %w", s.Name, err)
		}
		return result, nil
	}
	return AddResult{}, fmt.Errorf("UpdateIPSet %s: %w (%d attempts)", s.Name, ErrLockConflicts, UpdateAttempts)
}

func (s *IPSet) limit() int {
	if s.Limit > 0 {
		return s.Limit
	}
	return IPSetLimit
}
