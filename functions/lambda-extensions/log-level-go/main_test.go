package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

const profilePath = "/applications/lambda-extensions-demo/environments/Production/configurations/LoggingLevel"

// agentStandIn answers like the AppConfig agent on localhost:2772: the deployed document for the
// known profile, 404 for others.
func agentStandIn(t *testing.T, document string, status int, delay time.Duration) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:2772")
	if err != nil {
		t.Fatalf("port 2772 (the AppConfig agent's) is taken: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		if r.URL.Path != profilePath {
			http.Error(w, `{"Message":"Configuration not found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Configuration-Version", "1")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(document))
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

func env(overrides map[string]string) func(string) string {
	base := map[string]string{"APPCONFIG_APPLICATION": "lambda-extensions-demo", "APPCONFIG_ENVIRONMENT": "Production", "APPCONFIG_PROFILE": "LoggingLevel"}
	for k, v := range overrides {
		base[k] = v
	}
	return func(k string) string { return base[k] }
}

func TestReturnsTheEventColdStartAndLogLevel(t *testing.T) {
	agentStandIn(t, `{"loglevel": "normal"}`, 200, 0)
	r, err := NewReader(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	event := json.RawMessage(`{"key1":"value1","key2":"value2"}`)
	first, err := r.Handle(context.Background(), event)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := r.Handle(context.Background(), event)
	got, _ := json.Marshal([]Response{first, second})
	if string(got) != `[{"event":{"key1":"value1","key2":"value2"},"ColdStart":true,"LogLevel":"normal"},{"event":{"key1":"value1","key2":"value2"},"ColdStart":false,"LogLevel":"normal"}]` {
		t.Fatal(string(got))
	}
}

func TestAgentFailures(t *testing.T) {
	cases := map[string]struct {
		doc    string
		status int
		env    map[string]string
		want   string
	}{
		"profile unknown to the agent": {`{}`, 200, map[string]string{"APPCONFIG_PROFILE": "Other"}, "answered 404"},
		"agent error":                  {`{"Message":"throttled"}`, 500, nil, "answered 500"},
		"document not JSON":            {`loglevel=normal`, 200, nil, "not JSON"},
		"document without loglevel":    {`{"level":"debug"}`, 200, nil, "no loglevel"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			agentStandIn(t, c.doc, c.status, 0)
			r, _ := NewReader(env(c.env))
			if _, err := r.Handle(context.Background(), json.RawMessage(`{}`)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	t.Run("no agent (layer missing)", func(t *testing.T) {
		r, _ := NewReader(env(map[string]string{"AWS_APPCONFIG_EXTENSION_HTTP_PORT": "1"}))
		if _, err := r.LogLevel(context.Background()); err == nil || !strings.Contains(err.Error(), "is the AppConfig extension layer attached") {
			t.Fatal(err)
		}
	})
	t.Run("agent too slow", func(t *testing.T) {
		agentStandIn(t, `{"loglevel":"normal"}`, 200, 500*time.Millisecond)
		r, _ := NewReader(env(nil))
		r.Client.Timeout = 100 * time.Millisecond
		if _, err := r.LogLevel(context.Background()); err == nil {
			t.Fatal("want a timeout")
		}
	})
}

func TestConfigurationFromTheEnvironment(t *testing.T) {
	if _, err := NewReader(env(map[string]string{"APPCONFIG_PROFILE": ""})); err == nil || !strings.Contains(err.Error(), "APPCONFIG_PROFILE") {
		t.Fatal(err)
	}
	if _, err := NewReader(env(map[string]string{"AWS_APPCONFIG_EXTENSION_HTTP_PORT": "http"})); err == nil {
		t.Fatal("want an error")
	}
	r, _ := NewReader(env(map[string]string{"AWS_APPCONFIG_EXTENSION_HTTP_PORT": "2773", "APPCONFIG_APPLICATION": "a b"}))
	if r.URL != "http://localhost:2773/applications/a%20b/environments/Production/configurations/LoggingLevel" {
		t.Fatal(r.URL)
	}
}
