// Command hello is the bundled-apps API: GET /hello behind an HTTP API, on provided.al2023 arm64,
// built by GoFunction with its tests run first (a failing test fails synth).
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("service", "bundled-apps-hello")
	lambda.Start(func(_ context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		resp := Hello(req, time.Now())
		logger.Info("request", "requestId", req.RequestContext.RequestID, "status", resp.StatusCode)
		return resp, nil
	})
}
