package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/controltower"
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
	partition := os.Getenv("PARTITION")
	if partition == "" {
		partition = "aws"
	}
	client := controltower.New(controltower.Options{
		Region:      os.Getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(envCredentials)),
	})
	lambda.Start(func(ctx context.Context, in State) (State, error) {
		out, err := Check(ctx, client, partition, in)
		slog.Info("enrollment", "account", in.AccountID, "check", out.Checks, "status", out.Status, "message", out.Message, "error", err)
		return out, err
	})
}
