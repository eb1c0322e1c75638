package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/example-org/platform-delivery/functions/internal/lambdaenv"
)

func main() {
	// JSON lines: the stack's metric filters match on msg ("ip set full", "ip set update failed", …).
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			log.Error("environment variable is not set", "name", name)
			os.Exit(1)
		}
		return v
	}
	ttlHours, err := strconv.Atoi(env("VERDICT_TTL_HOURS"))
	if err != nil || ttlHours < 1 {
		log.Error("VERDICT_TTL_HOURS is not a positive whole number", "value", os.Getenv("VERDICT_TTL_HOURS"))
		os.Exit(1)
	}
	region, creds := os.Getenv("AWS_REGION"), lambdaenv.Credentials()
	waf := wafv2.New(wafv2.Options{Region: region, Credentials: creds})
	scope := types.Scope(env("WAF_SCOPE"))
	p := &Processor{
		Resolver:         net.DefaultResolver,
		Memory:           NewMemory(100_000),
		Table:            &Table{Client: dynamodb.New(dynamodb.Options{Region: region, Credentials: creds}), Name: env("VERDICT_TABLE")},
		IPv4:             &IPSet{Client: waf, Scope: scope, Name: env("IPSET_V4_NAME"), ID: env("IPSET_V4_ID")},
		IPv6:             &IPSet{Client: waf, Scope: scope, Name: env("IPSET_V6_NAME"), ID: env("IPSET_V6_ID")},
		TTL:              time.Duration(ttlHours) * time.Hour,
		MaxVerifications: 100,
		Concurrency:      16,
		Now:              time.Now,
		Log:              log,
	}
	lambda.Start(func(ctx context.Context, event events.KinesisFirehoseEvent) (events.KinesisFirehoseResponse, error) {
		resp, sum := p.Handle(ctx, event)
		log.Info("batch", "summary", sum)
		return resp, nil
	})
}
