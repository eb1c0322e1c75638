import { Aws, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** A Glue security configuration that encrypts S3 output, CloudWatch logs and job bookmarks with the pattern's key. */
export function glueSecurityConfiguration(scope: Construct, id: string, name: string, key: kms.IKey): glue.CfnSecurityConfiguration {
  return new glue.CfnSecurityConfiguration(scope, id, {
    name,
    encryptionConfiguration: {
      s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key.keyArn }],
      cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key.keyArn },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key.keyArn },
    },
  });
}

/** What a Glue job or crawler role needs to write its own logs (encrypted, under /aws-glue/). */
export function glueLogsStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
    // Glue names its log groups and streams per run under /aws-glue/.
    resources: [`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws-glue/*`],
  });
}

/** The catalog, one database and its tables: the resources of a Glue Data Catalog grant. */
export function glueDatabaseArns(scope: Construct, database: string): string[] {
  const stack = Stack.of(scope);
  return [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
    stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` }),
  ];
}
