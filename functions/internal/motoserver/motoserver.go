// Package motoserver runs a local moto server for Go tests that need AWS state (DynamoDB, WAFv2).
package motoserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Start runs moto_server (installed by scripts/setup.sh into .venv, or $MOTO_SERVER) on a free
// port of 127.0.0.1 and returns its URL; it stops with the test.
func Start(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("MOTO_SERVER")
	if bin == "" {
		_, file, _, _ := runtime.Caller(0)
		bin = filepath.Join(filepath.Dir(file), "..", "..", "..", ".venv", "bin", "moto_server")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("moto_server not found at %s: run npm run setup (it installs requirements-test.txt into .venv)", bin)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s", url)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Credentials are the fixed test credentials moto accepts.
func Credentials() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
	})
}
