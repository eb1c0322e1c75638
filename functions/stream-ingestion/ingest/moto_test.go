package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/example-org/platform-delivery/functions/internal/motoserver"
)

func TestWritePathAgainstMoto(t *testing.T) {
	url := motoserver.Start(t)
	ctx := context.Background()
	client := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  motoserver.Credentials(),
	})
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("readings"),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("partitionKey"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("timestamp"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("partitionKey"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("timestamp"), KeyType: types.KeyTypeRange}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	payloads := make([]string, 0, 61)
	for i := 0; i < 60; i++ {
		payloads = append(payloads, fmt.Sprintf("%d.5|%d", i, 1764374400+i))
	}
	payloads = append(payloads, "not-a-reading")
	ev := kinesisEvent(t, payloads...)
	w := &Writer{Client: client, Table: "readings"}
	resp, err := Handle(ctx, ev, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ev.Records[60].Kinesis.SequenceNumber {
		t.Fatalf("failures = %+v, want the poison record only", resp.BatchItemFailures)
	}
	if w.Calls != 3 {
		t.Fatalf("%d BatchWriteItem calls for 60 records, want 3", w.Calls)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("readings"),
		Key:       map[string]types.AttributeValue{"partitionKey": &types.AttributeValueMemberS{Value: "sensor-1"}, "timestamp": &types.AttributeValueMemberN{Value: "1764374401"}},
	})
	if err != nil || out.Item["value"].(*types.AttributeValueMemberN).Value != "1.5" {
		t.Fatalf("GetItem = %+v, %v", out.Item, err)
	}
	count, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("readings"), Select: types.SelectCount})
	if err != nil || count.Count != 60 {
		t.Fatalf("table holds %d items, want 60 (%v)", count.Count, err)
	}
}
