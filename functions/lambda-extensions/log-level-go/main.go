// Package main is the lambda-extensions Go function: it returns the event it got, whether this was
// the execution environment's first invocation, and the LoggingLevel profile's loglevel, read from
// the AWS AppConfig Agent extension on localhost.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// DefaultAgentPort is where the AppConfig agent listens unless AWS_APPCONFIG_EXTENSION_HTTP_PORT says otherwise.
const DefaultAgentPort = 2772

// Response is what the function returns.
type Response struct {
	Event     json.RawMessage `json:"event"`
	ColdStart bool            `json:"ColdStart"`
	LogLevel  string          `json:"LogLevel"`
}

// Reader reads the profile through the agent.
type Reader struct {
	URL    string
	Client *http.Client
	served atomic.Bool
}

// NewReader builds the agent URL from the function's environment.
func NewReader(getenv func(string) string) (*Reader, error) {
	var missing []string
	for _, k := range []string{"APPCONFIG_APPLICATION", "APPCONFIG_ENVIRONMENT", "APPCONFIG_PROFILE"} {
		if getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%v not set: the stack sets them to the AppConfig application, environment and profile", missing)
	}
	port := DefaultAgentPort
	if raw := getenv("AWS_APPCONFIG_EXTENSION_HTTP_PORT"); raw != "" {
		p, err := strconv.Atoi(raw)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("AWS_APPCONFIG_EXTENSION_HTTP_PORT is %q, not a port number", raw)
		}
		port = p
	}
	path := fmt.Sprintf("/applications/%s/environments/%s/configurations/%s", url.PathEscape(getenv("APPCONFIG_APPLICATION")), url.PathEscape(getenv("APPCONFIG_ENVIRONMENT")), url.PathEscape(getenv("APPCONFIG_PROFILE")))
	return &Reader{URL: fmt.Sprintf("http://localhost:%d%s", port, path), Client: &http.Client{Timeout: 3 * time.Second}}, nil
}

// Handle answers one invocation.
func (r *Reader) Handle(ctx context.Context, event json.RawMessage) (Response, error) {
	cold := !r.served.Swap(true)
	level, err := r.LogLevel(ctx)
	if err != nil {
		return Response{}, err
	}
	if len(event) == 0 {
		event = json.RawMessage("null")
	}
	return Response{Event: event, ColdStart: cold, LogLevel: level}, nil
}

// LogLevel reads the profile's loglevel from the agent.
func (r *Reader) LogLevel(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return "", err
	}
	resp, err := r.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("the AppConfig agent did not answer (is the AppConfig extension layer attached?): %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the AppConfig agent answered %d for %s: %.200s", resp.StatusCode, req.URL.Path, body)
	}
	var doc struct {
		LogLevel *string `json:"loglevel"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("the configuration is not JSON: %.100s", body)
	}
	if doc.LogLevel == nil || *doc.LogLevel == "" {
		return "", errors.New("the configuration has no loglevel string")
	}
	return *doc.LogLevel, nil
}

func main() {
	r, err := NewReader(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(r.Handle)
}
