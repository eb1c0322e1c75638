package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/controltower"
	"github.com/example-org/platform-delivery/functions/internal/lambdaenv"
)

func main() {
	partition := os.Getenv("PARTITION")
	if partition == "" {
		partition = "aws"
	}
	client := controltower.New(controltower.Options{
		Region:      os.Getenv("AWS_REGION"),
		Credentials: lambdaenv.Credentials(),
	})
	lambda.Start(func(ctx context.Context, in State) (State, error) {
		out, err := Check(ctx, client, partition, in)
		slog.Info("enrollment", "account", in.AccountID, "check", out.Checks, "status", out.Status, "message", out.Message, "error", err)
		return out, err
	})
}
