package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// envCredentials reads the execution role's credentials that Lambda puts in the environment. Not
// loading the SDK's config package (SSO, profiles, STS) keeps the binary small.
func envCredentials(context.Context) (aws.Credentials, error) {
	return aws.Credentials{
		AccessKeyID:     os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    os.Getenv("AWS_SESSION_TOKEN"),
		Source:          "LambdaEnvironment",
	}, nil
}

func main() {
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		slog.Error("TABLE_NAME is not set")
		os.Exit(1)
	}
	client := dynamodb.New(dynamodb.Options{
		Region:      os.Getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(envCredentials)),
	})
	lambda.Start(func(ctx context.Context, event events.KinesisEvent) (events.KinesisEventResponse, error) {
		w := &Writer{Client: client, Table: table}
		resp, err := Handle(ctx, event, w)
		slog.Info("batch", "records", len(event.Records), "failures", len(resp.BatchItemFailures), "requests", w.Calls)
		return resp, err
	})
}
