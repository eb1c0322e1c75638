package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/controltower"
	"github.com/aws/aws-sdk-go-v2/service/controltower/types"
)

type call struct {
	Pages []json.RawMessage `json:"pages"`
	HTTP  *struct {
		Status    int    `json:"status"`
		ErrorType string `json:"errorType"`
		Message   string `json:"message"`
	} `json:"http"`
	Output *State `json:"output"`
	Error  string `json:"error"`
}

type fixture struct {
	AccountArn string            `json:"accountArn"`
	Input      State             `json:"input"`
	Scenarios  map[string][]call `json:"scenarios"`
}

func loadFixture(t *testing.T) fixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// controlTower serves the answers of one call at a time, the way the service does: JSON pages
// through nextToken, or an error with its x-amzn-ErrorType header. It checks each request too.
type controlTower struct {
	t          *testing.T
	accountArn string
	answers    []json.RawMessage
	failure    *call
	requests   int
}

func (c *controlTower) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests++
	if r.Method != http.MethodPost || r.URL.Path != "/list-enabled-baselines" {
		c.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	}
	if r.Header.Get("Authorization") == "" {
		c.t.Error("request is not signed")
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Filter struct {
			TargetIdentifiers []string `json:"targetIdentifiers"`
		} `json:"filter"`
		IncludeChildren bool `json:"includeChildren"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		c.t.Errorf("request body %s: %v", body, err)
	}
	if len(req.Filter.TargetIdentifiers) != 1 || req.Filter.TargetIdentifiers[0] != c.accountArn || !req.IncludeChildren {
		c.t.Errorf("request asks for %v (includeChildren %v), want [%s] with children", req.Filter.TargetIdentifiers, req.IncludeChildren, c.accountArn)
	}
	w.Header().Set("Content-Type", "application/json")
	if c.failure != nil {
		w.Header().Set("x-amzn-ErrorType", c.failure.HTTP.ErrorType)
		w.WriteHeader(c.failure.HTTP.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": c.failure.HTTP.Message})
		return
	}
	if len(c.answers) == 0 {
		c.t.Error("more requests than pages")
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(c.answers[0])
	c.answers = c.answers[1:]
}

func client(url string) *controltower.Client {
	return controltower.New(controltower.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
		}),
		RetryMaxAttempts: 1,
	})
}

// Every scenario, call by call, through the real SDK client: the verdicts are the ones the
// state-machine tests feed to the workflow.
func TestScenarios(t *testing.T) {
	f := loadFixture(t)
	if len(f.Scenarios) < 6 {
		t.Fatalf("only %d scenarios", len(f.Scenarios))
	}
	for name, calls := range f.Scenarios {
		t.Run(name, func(t *testing.T) {
			ct := &controlTower{t: t, accountArn: f.AccountArn}
			server := httptest.NewServer(ct)
			defer server.Close()
			state := f.Input
			for i, c := range calls {
				ct.answers, ct.failure = c.Pages, nil
				if c.HTTP != nil {
					ct.failure = &c
				}
				out, err := Check(context.Background(), client(server.URL), "aws", state)
				if c.Error != "" {
					var lambdaErr messages.InvokeResponse_Error
					if !errors.As(err, &lambdaErr) || lambdaErr.Type != c.Error {
						t.Fatalf("call %d: error %v, want %s", i, err, c.Error)
					}
					continue
				}
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if len(ct.answers) != 0 {
					t.Errorf("call %d left %d pages unread", i, len(ct.answers))
				}
				want := state
				want.Status, want.Message, want.Checks, want.WaitSeconds = c.Output.Status, c.Output.Message, c.Output.Checks, c.Output.WaitSeconds
				if out != want {
					t.Fatalf("call %d:\n got %+v\nwant %+v", i, out, want)
				}
				state = out
			}
		})
	}
}

func TestClassifyIgnoresOtherTargets(t *testing.T) {
	other := types.EnabledBaselineSummary{TargetIdentifier: aws.String("arn:aws:organizations::111111111111:account/o-x/222222222222"), StatusSummary: &types.EnablementStatusSummary{Status: types.EnablementStatusFailed}}
	if status, _ := Classify([]types.EnabledBaselineSummary{other}, "arn:aws:organizations::111111111111:account/o-x/333333333333"); status != NotFound {
		t.Fatalf("status %s, want %s", status, NotFound)
	}
	noStatus := types.EnabledBaselineSummary{TargetIdentifier: aws.String("a"), BaselineIdentifier: aws.String("b")}
	if status, message := Classify([]types.EnabledBaselineSummary{noStatus}, "a"); status != Pending || message != "enrollment under way: b (no status)" {
		t.Fatalf("got %s %q", status, message)
	}
}

func TestNextWaitIsBounded(t *testing.T) {
	for checks, want := range []int{30, 60, 120, 240, 300, 300} {
		if got := NextWait(checks); got != want {
			t.Errorf("NextWait(%d) = %d, want %d", checks, got, want)
		}
	}
	if got := NextWait(1000); got != maxWaitSeconds {
		t.Errorf("NextWait(1000) = %d", got)
	}
}

func TestRefusesIncompleteInput(t *testing.T) {
	_, err := Check(context.Background(), client("http://127.0.0.1:1"), "aws", State{AccountID: "888888888888"})
	var lambdaErr messages.InvokeResponse_Error
	if !errors.As(err, &lambdaErr) || lambdaErr.Type != "InvalidInput" {
		t.Fatalf("error %v, want InvalidInput", err)
	}
}

func TestNamesThrottlingForTheStateMachineRetry(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("x-amzn-ErrorType", "ThrottlingException")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"message":"Rate exceeded"}`))
	}))
	defer server.Close()
	_, err := Check(context.Background(), client(server.URL), "aws", loadFixture(t).Input)
	var lambdaErr messages.InvokeResponse_Error
	if !errors.As(err, &lambdaErr) || lambdaErr.Type != "ThrottlingException" {
		t.Fatalf("error %v, want ThrottlingException", err)
	}
}
