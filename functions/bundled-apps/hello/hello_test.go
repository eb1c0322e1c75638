package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// awsSample decodes one of AWS's sample events, shipped in the aws-lambda-go module.
func awsSample(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Fatalf("locate aws-lambda-go: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "events", "testdata", name))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatalf("decode sample: %v", err)
	}
	return req
}

func decode[T any](t *testing.T, resp events.APIGatewayV2HTTPResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
		t.Fatalf("body is not JSON: %q", resp.Body)
	}
	if resp.Headers["content-type"] != "application/json" {
		t.Fatalf("content-type = %q", resp.Headers["content-type"])
	}
	return v
}

func TestGreetsOnAWSSampleEvent(t *testing.T) {
	req := awsSample(t, "apigw-v2-request-no-authorizer.json")
	req.RequestContext.HTTP.Method = "GET"
	req.QueryStringParameters = nil
	resp := Hello(req, now)
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	g := decode[Greeting](t, resp)
	if g.Message != "Hello, world, from Go" || g.RequestID != req.RequestContext.RequestID || g.Time != "2026-12-02T10:00:00Z" {
		t.Fatalf("greeting = %+v", g)
	}
}

func TestGreetsByName(t *testing.T) {
	req := events.APIGatewayV2HTTPRequest{QueryStringParameters: map[string]string{"name": "Ana María"}}
	req.RequestContext.HTTP.Method = "GET"
	if g := decode[Greeting](t, Hello(req, now)); g.Message != "Hello, Ana María, from Go" {
		t.Fatalf("message = %q", g.Message)
	}
}

func TestRefusesBadNamesAndMethods(t *testing.T) {
	for _, name := range []string{"", "<script>", strings.Repeat("a", 65), "1abc"} {
		req := events.APIGatewayV2HTTPRequest{QueryStringParameters: map[string]string{"name": name}}
		resp := Hello(req, now)
		if resp.StatusCode != 400 {
			t.Fatalf("name %q: status = %d", name, resp.StatusCode)
		}
		if e := decode[apiError](t, resp); e.Error.Code != "BadRequest" {
			t.Fatalf("name %q: error = %+v", name, e)
		}
	}
	req := awsSample(t, "apigw-v2-request-jwt-authorizer.json")
	req.RequestContext.HTTP.Method = "POST"
	if resp := Hello(req, now); resp.StatusCode != 405 {
		t.Fatalf("POST: status = %d", resp.StatusCode)
	}
}
