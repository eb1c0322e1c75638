// Package main is lifecycle-logger, an external Lambda extension (a layer's
// /opt/extensions/lifecycle-logger). It registers for INVOKE and SHUTDOWN, logs one JSON line per
// invocation (request id, time left) and, on SHUTDOWN, one line with the invocations this
// execution environment served and why it ends, then exits 0.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

const apiVersion = "2020-01-01"

// Event is what GET /event/next returns: an INVOKE or a SHUTDOWN.
type Event struct {
	EventType          string `json:"eventType"`
	DeadlineMs         int64  `json:"deadlineMs"`
	RequestID          string `json:"requestId"`
	InvokedFunctionArn string `json:"invokedFunctionArn"`
	ShutdownReason     string `json:"shutdownReason"`
}

// Client speaks the Lambda Extensions API.
type Client struct {
	// Base is http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension.
	Base string
	HTTP *http.Client
	// ID is the Lambda-Extension-Identifier that registration returned.
	ID string
}

func NewClient(runtimeAPI string) *Client {
	// No timeout: event/next blocks until the next event, which may be minutes away.
	return &Client{Base: fmt.Sprintf("http://%s/%s/extension", runtimeAPI, apiVersion), HTTP: &http.Client{}}
}

// Registration is the body of the register response.
type Registration struct {
	FunctionName    string `json:"functionName"`
	FunctionVersion string `json:"functionVersion"`
	Handler         string `json:"handler"`
}

// Register announces the extension by its file name and keeps the identifier Lambda gives it.
func (c *Client) Register(ctx context.Context, name string) (Registration, error) {
	body, _ := json.Marshal(map[string][]string{"events": {"INVOKE", "SHUTDOWN"}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/register", bytes.NewReader(body))
	if err != nil {
		return Registration{}, err
	}
	req.Header.Set("Lambda-Extension-Name", name)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Registration{}, fmt.Errorf("register: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return Registration{}, fmt.Errorf("register: HTTP %d: %s", resp.StatusCode, clip(raw))
	}
	id := resp.Header.Get("Lambda-Extension-Identifier")
	if id == "" {
		return Registration{}, errors.New("register: the response has no Lambda-Extension-Identifier header")
	}
	var reg Registration
	if err := json.Unmarshal(raw, &reg); err != nil {
		return Registration{}, fmt.Errorf("register: response body: %w", err)
	}
	c.ID = id
	return reg, nil
}

// Next blocks until Lambda has the next event for the extension.
func (c *Client) Next(ctx context.Context) (Event, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/event/next", nil)
	if err != nil {
		return Event{}, err
	}
	req.Header.Set("Lambda-Extension-Identifier", c.ID)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Event{}, fmt.Errorf("event/next: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return Event{}, fmt.Errorf("event/next: HTTP %d: %s", resp.StatusCode, clip(raw))
	}
	var ev Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return Event{}, fmt.Errorf("event/next: malformed event: %w", err)
	}
	if ev.EventType != "INVOKE" && ev.EventType != "SHUTDOWN" {
		return Event{}, fmt.Errorf("event/next: unexpected eventType %q", ev.EventType)
	}
	return ev, nil
}

// ReportError posts to init/error (during init) or exit/error (after): Lambda then restarts the
// execution environment and logs the error type.
func (c *Client) ReportError(ctx context.Context, phase, errorType string, cause error) error {
	body, _ := json.Marshal(map[string]any{"errorMessage": cause.Error(), "errorType": errorType, "stackTrace": []string{}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/"+phase+"/error", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Lambda-Extension-Identifier", c.ID)
	req.Header.Set("Lambda-Extension-Function-Error-Type", errorType)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s/error: %w", phase, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/error: HTTP %d", phase, resp.StatusCode)
	}
	return nil
}

// Summary is what the extension saw in one execution environment.
type Summary struct {
	Invocations    int    `json:"invocations"`
	ShutdownReason string `json:"shutdownReason"`
}

// Run loops on event/next until SHUTDOWN, logging each event to out. An error from the API ends
// the loop: Lambda would not send another event to an extension that lost its place.
func Run(ctx context.Context, c *Client, out io.Writer, now func() time.Time, logInvokes bool) (Summary, error) {
	var sum Summary
	enc := json.NewEncoder(out)
	for {
		ev, err := c.Next(ctx)
		if err != nil {
			return sum, err
		}
		if ev.EventType == "SHUTDOWN" {
			sum.ShutdownReason = ev.ShutdownReason
			_ = enc.Encode(map[string]any{"extension": "lifecycle-logger", "event": "SHUTDOWN", "invocations": sum.Invocations, "shutdownReason": ev.ShutdownReason})
			return sum, nil
		}
		sum.Invocations++
		if !logInvokes {
			continue
		}
		left := time.UnixMilli(ev.DeadlineMs).Sub(now())
		_ = enc.Encode(map[string]any{"extension": "lifecycle-logger", "event": "INVOKE", "requestId": ev.RequestID, "msLeft": left.Milliseconds()})
	}
}

// ParseEvents reads LIFECYCLE_LOGGER_EVENTS: "all" (the default) logs every invocation, "shutdown" only the summary.
func ParseEvents(v string) (logInvokes bool, err error) {
	switch v {
	case "", "all":
		return true, nil
	case "shutdown":
		return false, nil
	}
	return false, fmt.Errorf("LIFECYCLE_LOGGER_EVENTS is %q: use all or shutdown", v)
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
