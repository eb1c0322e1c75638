package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/example-org/platform-delivery/functions/internal/lambdaenv"
)

func main() {
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		slog.Error("TABLE_NAME is not set")
		os.Exit(1)
	}
	client := dynamodb.New(dynamodb.Options{
		Region:      os.Getenv("AWS_REGION"),
		Credentials: lambdaenv.Credentials(),
	})
	lambda.Start(func(ctx context.Context, event events.KinesisEvent) (events.KinesisEventResponse, error) {
		w := &Writer{Client: client, Table: table}
		resp, err := Handle(ctx, event, w)
		slog.Info("batch", "records", len(event.Records), "failures", len(resp.BatchItemFailures), "requests", w.Calls)
		return resp, err
	})
}
