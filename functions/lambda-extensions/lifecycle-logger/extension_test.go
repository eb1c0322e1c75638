package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// extensionsAPI stands in for Lambda's Extensions API on a real local HTTP server: it checks
// what a real one checks (the name header, the events, the identifier) and records the error reports.
type extensionsAPI struct {
	t       *testing.T
	mu      sync.Mutex
	events  []string // raw JSON bodies event/next returns, in order
	nextErr int      // HTTP status for event/next once events run out (0: block until the test ends)
	names   []string
	errors  []map[string]string
	server  *http.Server
	addr    string
	regCode int
}

const extensionID = "6b9e2c8a-1f3d-4e7a-9c5b-2d8f0a1e3c4b"

func startAPI(t *testing.T, events ...string) *extensionsAPI {
	a := &extensionsAPI{t: t, events: events, regCode: http.StatusOK}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2020-01-01/extension/register", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Events []string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		a.mu.Lock()
		a.names = append(a.names, r.Header.Get("Lambda-Extension-Name"))
		a.mu.Unlock()
		if strings.Join(body.Events, ",") != "INVOKE,SHUTDOWN" || r.Header.Get("Lambda-Extension-Name") == "" {
			http.Error(w, `{"errorType":"InvalidRequest"}`, http.StatusBadRequest)
			return
		}
		if a.regCode != http.StatusOK {
			http.Error(w, `{"errorMessage":"Extension.AlreadyRegistered","errorType":"Fatal"}`, a.regCode)
			return
		}
		w.Header().Set("Lambda-Extension-Identifier", extensionID)
		_, _ = w.Write([]byte(`{"functionName":"lambda-extensions-log-level","functionVersion":"$LATEST","handler":"index.handler"}`))
	})
	mux.HandleFunc("GET /2020-01-01/extension/event/next", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Lambda-Extension-Identifier") != extensionID {
			http.Error(w, `{"errorType":"Extension.InvalidExtensionIdentifier"}`, http.StatusForbidden)
			return
		}
		a.mu.Lock()
		if len(a.events) == 0 {
			code := a.nextErr
			a.mu.Unlock()
			if code == 0 {
				<-r.Context().Done()
				return
			}
			http.Error(w, `{"errorType":"Extension.Unknown"}`, code)
			return
		}
		ev := a.events[0]
		a.events = a.events[1:]
		a.mu.Unlock()
		w.Header().Set("Lambda-Extension-Event-Identifier", "evt-1")
		_, _ = w.Write([]byte(ev))
	})
	for _, phase := range []string{"init", "exit"} {
		mux.HandleFunc("POST /2020-01-01/extension/"+phase+"/error", func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			a.mu.Lock()
			a.errors = append(a.errors, map[string]string{"phase": phase, "id": r.Header.Get("Lambda-Extension-Identifier"), "type": r.Header.Get("Lambda-Extension-Function-Error-Type"), "message": body["errorMessage"].(string)})
			a.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"status":"OK"}`))
		})
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a.addr = l.Addr().String()
	a.server = &http.Server{Handler: mux}
	go func() { _ = a.server.Serve(l) }()
	t.Cleanup(func() { _ = a.server.Close() })
	return a
}

func invoke(requestID string, deadline time.Time) string {
	return `{"eventType":"INVOKE","deadlineMs":` + jsonInt(deadline.UnixMilli()) + `,"requestId":"` + requestID + `","invokedFunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:log-level","tracing":{"type":"X-Amzn-Trace-Id","value":"Root=1-5f35ae4e-1234567890abcdef01234567;Parent=1234567890abcdef;Sampled=1"}}`
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

const shutdown = `{"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":1764669602000}`

var now = time.UnixMilli(1764669600000)

func TestLifecycle(t *testing.T) {
	api := startAPI(t, invoke("req-1", now.Add(3*time.Second)), invoke("req-2", now.Add(2500*time.Millisecond)), shutdown)
	c := NewClient(api.addr)
	reg, err := c.Register(context.Background(), "lifecycle-logger")
	if err != nil || c.ID != extensionID || reg.FunctionName != "lambda-extensions-log-level" {
		t.Fatalf("%+v %v id=%q", reg, err, c.ID)
	}
	var out bytes.Buffer
	sum, err := Run(context.Background(), c, &out, func() time.Time { return now }, true)
	if err != nil || sum.Invocations != 2 || sum.ShutdownReason != "spindown" {
		t.Fatalf("%+v %v", sum, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`{"event":"INVOKE","extension":"lifecycle-logger","msLeft":3000,"requestId":"req-1"}`,
		`{"event":"INVOKE","extension":"lifecycle-logger","msLeft":2500,"requestId":"req-2"}`,
		`{"event":"SHUTDOWN","extension":"lifecycle-logger","invocations":2,"shutdownReason":"spindown"}`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("logged:\n%s", out.String())
	}
	if strings.Join(api.names, ",") != "lifecycle-logger" || len(api.errors) != 0 {
		t.Fatalf("names %v errors %v", api.names, api.errors)
	}
}

func TestRunExitsCleanlyOnShutdown(t *testing.T) {
	api := startAPI(t, invoke("req-1", now), shutdown)
	if code := run(context.Background(), NewClient(api.addr), "lifecycle-logger", "shutdown"); code != 0 || len(api.errors) != 0 {
		t.Fatalf("exit %d, errors %v", code, api.errors)
	}
}

func TestAFailingEventLoopIsReportedOnExitError(t *testing.T) {
	for name, api := range map[string]*extensionsAPI{
		"event/next answers 500": func() *extensionsAPI { a := startAPI(t, invoke("req-1", now)); a.nextErr = 500; return a }(),
		"malformed event":        startAPI(t, `{"eventType":`),
		"unknown event type":     startAPI(t, `{"eventType":"RESTORE"}`),
	} {
		t.Run(name, func(t *testing.T) {
			if code := run(context.Background(), NewClient(api.addr), "lifecycle-logger", ""); code != 1 {
				t.Fatalf("exit %d", code)
			}
			if len(api.errors) != 1 || api.errors[0]["phase"] != "exit" || api.errors[0]["id"] != extensionID || api.errors[0]["type"] != "Extension.EventLoopFailed" {
				t.Fatalf("%v", api.errors)
			}
		})
	}
}

func TestBadConfigurationIsReportedOnInitError(t *testing.T) {
	api := startAPI(t, shutdown)
	if code := run(context.Background(), NewClient(api.addr), "lifecycle-logger", "everything"); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if len(api.errors) != 1 || api.errors[0]["phase"] != "init" || api.errors[0]["type"] != "Extension.ConfigInvalid" || !strings.Contains(api.errors[0]["message"], `"everything"`) {
		t.Fatalf("%v", api.errors)
	}
}

func TestRegistrationFailures(t *testing.T) {
	api := startAPI(t)
	api.regCode = http.StatusInternalServerError
	if _, err := NewClient(api.addr).Register(context.Background(), "lifecycle-logger"); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatal(err)
	}
	if code := run(context.Background(), NewClient(api.addr), "lifecycle-logger", ""); code != 1 || len(api.errors) != 0 {
		t.Fatalf("exit %d, errors %v: no identifier, nothing to report to", code, api.errors)
	}
	// Nothing listening at all.
	if _, err := NewClient("127.0.0.1:1").Register(context.Background(), "lifecycle-logger"); err == nil {
		t.Fatal("want an error")
	}
}

func TestNextStopsWithItsContext(t *testing.T) {
	api := startAPI(t) // no events: event/next blocks, as it does between invocations
	c := NewClient(api.addr)
	if _, err := c.Register(context.Background(), "lifecycle-logger"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Next(ctx); err == nil {
		t.Fatal("want the context's error")
	}
}
