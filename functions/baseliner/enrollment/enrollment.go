// Package main is the baseliner's enrollment gate: before anything is provisioned, it asks Control
// Tower whether the account is enrolled (ListEnabledBaselines on the account, children included)
// and says whether the workflow may go on, should look again later, or must give up.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/controltower"
	"github.com/aws/aws-sdk-go-v2/service/controltower/types"
)

// Statuses the state machine's Choice reads.
const (
	Enrolled = "ENROLLED" // every enabled baseline on the account SUCCEEDED
	Partial  = "PARTIAL"  // enrolled, but drifted from its OU's baseline (optional controls missing, say)
	Pending  = "PENDING"  // an enabled baseline is UNDER_CHANGE: enrollment is running
	NotFound = "NOT_FOUND"
	Failed   = "FAILED" // an enabled baseline FAILED: looking again will not help
)

// maxWaitSeconds caps the back-off between two checks.
const maxWaitSeconds = 300

// State is the workflow's $.enrollment, passed in and handed back with the verdict filled in.
type State struct {
	Check               bool   `json:"check"`
	AccountID           string `json:"accountId"`
	OrganizationID      string `json:"organizationId"`
	ManagementAccountID string `json:"managementAccountId"`
	Checks              int    `json:"checks"`
	MaxChecks           int    `json:"maxChecks"`
	Status              string `json:"status,omitempty"`
	Message             string `json:"message,omitempty"`
	WaitSeconds         int    `json:"waitSeconds"`
}

// API is the part of the Control Tower client the gate uses.
type API interface {
	ListEnabledBaselines(ctx context.Context, in *controltower.ListEnabledBaselinesInput, optFns ...func(*controltower.Options)) (*controltower.ListEnabledBaselinesOutput, error)
}

// AccountArn is how Control Tower names an account as a baseline target.
func AccountArn(partition, management, organization, account string) string {
	return fmt.Sprintf("arn:%s:organizations::%s:account/%s/%s", partition, management, organization, account)
}

// Classify turns the enabled baselines listed for the account into a verdict.
func Classify(baselines []types.EnabledBaselineSummary, accountArn string) (status, message string) {
	var pending, drifted, failed []string
	seen := 0
	for _, b := range baselines {
		if aws.ToString(b.TargetIdentifier) != accountArn {
			continue
		}
		seen++
		name := aws.ToString(b.BaselineIdentifier)
		var st types.EnablementStatus
		if b.StatusSummary != nil {
			st = b.StatusSummary.Status
		}
		switch st {
		case types.EnablementStatusSucceeded:
			if b.DriftStatusSummary != nil && b.DriftStatusSummary.Types != nil && b.DriftStatusSummary.Types.Inheritance != nil && b.DriftStatusSummary.Types.Inheritance.Status == types.EnabledBaselineDriftStatusDrifted {
				drifted = append(drifted, name)
			}
		case types.EnablementStatusFailed:
			failed = append(failed, name)
		default:
			pending = append(pending, fmt.Sprintf("%s (%s)", name, orUnknown(string(st))))
		}
	}
	switch {
	case seen == 0:
		return NotFound, "Control Tower lists no enabled baseline on the account yet"
	case len(failed) > 0:
		return Failed, "enrollment failed: " + strings.Join(failed, ", ")
	case len(pending) > 0:
		return Pending, "enrollment under way: " + strings.Join(pending, ", ")
	case len(drifted) > 0:
		return Partial, "enrolled, but drifted from its OU's baseline: " + strings.Join(drifted, ", ")
	}
	return Enrolled, ""
}

func orUnknown(s string) string {
	if s == "" {
		return "no status"
	}
	return s
}

// NextWait is the back-off before check n+1: 30 s, doubling, at most 5 minutes.
func NextWait(checks int) int {
	wait := 30
	for i := 0; i < checks && wait < maxWaitSeconds; i++ {
		wait *= 2
	}
	return min(wait, maxWaitSeconds)
}

// maxPages bounds the listing: the filter names one account, so one page is the norm.
const maxPages = 10

// Check makes one check: lists the account's enabled baselines (paginated, bounded) and classifies.
func Check(ctx context.Context, api API, partition string, in State) (State, error) {
	if in.AccountID == "" || in.OrganizationID == "" || in.ManagementAccountID == "" {
		return in, messages.InvokeResponse_Error{Type: "InvalidInput", Message: "enrollment check needs accountId, organizationId and managementAccountId"}
	}
	arn := AccountArn(partition, in.ManagementAccountID, in.OrganizationID, in.AccountID)
	var all []types.EnabledBaselineSummary
	input := &controltower.ListEnabledBaselinesInput{Filter: &types.EnabledBaselineFilter{TargetIdentifiers: []string{arn}}, IncludeChildren: true, MaxResults: aws.Int32(100)}
	pages := controltower.NewListEnabledBaselinesPaginator(api, input)
	for n := 0; pages.HasMorePages(); n++ {
		if n == maxPages {
			return in, messages.InvokeResponse_Error{Type: "TooManyPages", Message: fmt.Sprintf("more than %d pages of enabled baselines for %s", maxPages, arn)}
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			return in, lambdaError(err)
		}
		all = append(all, page.EnabledBaselines...)
	}
	out := in
	out.Checks = in.Checks + 1
	out.Status, out.Message = Classify(all, arn)
	out.WaitSeconds = NextWait(in.Checks)
	return out, nil
}

// lambdaError names the error for the state machine's Retry and Catch (the Go type name would not say).
func lambdaError(err error) error {
	var denied *types.AccessDeniedException
	var throttled *types.ThrottlingException
	var internal *types.InternalServerException
	switch {
	case errors.As(err, &denied):
		return messages.InvokeResponse_Error{Type: "AccessDeniedException", Message: err.Error()}
	case errors.As(err, &throttled):
		return messages.InvokeResponse_Error{Type: "ThrottlingException", Message: err.Error()}
	case errors.As(err, &internal):
		return messages.InvokeResponse_Error{Type: "InternalServiceError", Message: err.Error()}
	}
	return messages.InvokeResponse_Error{Type: "EnrollmentCheckError", Message: err.Error()}
}
