package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	// The name Lambda knows the extension by is its file name in /opt/extensions.
	name := filepath.Base(os.Args[0])
	runtimeAPI := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if runtimeAPI == "" {
		fmt.Fprintf(os.Stderr, "%s: AWS_LAMBDA_RUNTIME_API is not set (not running in Lambda)\n", name)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	os.Exit(run(ctx, NewClient(runtimeAPI), name, os.Getenv("LIFECYCLE_LOGGER_EVENTS")))
}

// run is the extension's life: register, loop, report what went wrong on the right endpoint.
func run(ctx context.Context, c *Client, name, events string) int {
	if _, err := c.Register(ctx, name); err != nil {
		// Without an identifier there is nobody to report to; Lambda sees the exit and fails init.
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	logInvokes, err := ParseEvents(events)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		if rerr := c.ReportError(context.Background(), "init", "Extension.ConfigInvalid", err); rerr != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, rerr)
		}
		return 1
	}
	if _, err := Run(ctx, c, os.Stdout, time.Now, logInvokes); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		if rerr := c.ReportError(context.Background(), "exit", "Extension.EventLoopFailed", err); rerr != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, rerr)
		}
		return 1
	}
	return 0
}
