// Package lambdaenv gives the AWS SDK the execution role's credentials that Lambda puts in the
// environment. Not loading the SDK's config package (SSO, profiles, STS) keeps each binary small.
package lambdaenv

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Credentials reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, cached.
func Credentials() aws.CredentialsProvider {
	return aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{
			AccessKeyID:     os.Getenv("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken:    os.Getenv("AWS_SESSION_TOKEN"),
			Source:          "LambdaEnvironment",
		}, nil
	}))
}
