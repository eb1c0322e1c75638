import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as amazonmq from 'aws-cdk-lib/aws-amazonmq';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { deployTimeAvailabilityZones, endpointSecurityGroup, isolatedVpc } from '../shared/network';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { acknowledgeEndOfLine, encryptedQueue } from '../shared/queues';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { dataTable } from '../shared/tables';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import type { MqConsumerParameters } from './parameters';

/** OpenWire over TLS: the port the Lambda pollers use to read the queue. */
const OPENWIRE_TLS_PORT = 61617;

/**
 * Amazon MQ as a Lambda event source: a private ActiveMQ broker in an isolated VPC, its user's
 * password generated into Secrets Manager, and a TypeScript consumer fed by the MQ event source
 * mapping. The pollers run in the broker's VPC and reach Lambda, STS and Secrets Manager through
 * interface endpoints, so nothing needs internet access.
 */
export class MqConsumer extends Construct {
  readonly broker: amazonmq.CfnBroker;
  readonly credentials: secretsmanager.Secret;
  readonly consumer: PatternFunction;
  readonly messages: dynamodb.Table;
  readonly rejected: sqs.Queue;
  /** Where rejections too large for the rejected queue are kept whole (claim check). */
  readonly rejectedPayloads: s3.Bucket;
  readonly vpc: ec2.Vpc;
  readonly brokerSecurity: ec2.SecurityGroup;
  readonly mapping: lambda.CfnEventSourceMapping;
  readonly alarms: sns.Topic;

  constructor(scope: Construct, id: string, props: { parameters: MqConsumerParameters }) {
    super(scope, id);
    const p = props.parameters;
    const activeStandby = p.deploymentMode === 'active-standby';
    const key = patternKey(this, 'Key', 'mq-consumer: broker, credentials, messages and logs');

    // ------------------------------------------------------------------ network
    this.vpc = isolatedVpc(this, 'Vpc', { cidr: p.vpcCidr, availabilityZones: 2, key, logRetention: p.logRetentionDays });
    this.brokerSecurity = new ec2.SecurityGroup(this, 'BrokerSecurity', {
      vpc: this.vpc,
      description: 'mq-consumer broker and the Lambda pollers (which use this group)',
      allowAllOutbound: false,
    });
    // The pollers' network interfaces carry this same group: they reach the broker through it.
    this.brokerSecurity.addIngressRule(this.brokerSecurity, ec2.Port.tcp(OPENWIRE_TLS_PORT), 'OpenWire TLS from the Lambda pollers');
    this.brokerSecurity.addEgressRule(this.brokerSecurity, ec2.Port.tcp(OPENWIRE_TLS_PORT), 'Lambda pollers to the broker');
    const endpointSecurity = endpointSecurityGroup(this, 'EndpointSecurity', this.vpc, 'HTTPS to the Lambda, STS and Secrets Manager endpoints from the pollers', [
      { peer: this.brokerSecurity, why: 'HTTPS from the Lambda pollers' },
    ]);
    this.brokerSecurity.addEgressRule(endpointSecurity, ec2.Port.tcp(443), 'Lambda pollers to the AWS API endpoints');
    // The broker's subnets: one for single-instance, two for active/standby. The pollers' network
    // interfaces sit in them, so the endpoints do too (no endpoint-hours in unused AZs).
    const isolated = this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnets;
    const brokerSubnets = activeStandby ? isolated.slice(0, 2) : isolated.slice(0, 1);
    // What the Amazon MQ pollers call from inside the VPC (Lambda developer guide, Amazon MQ network configuration).
    for (const [name, service] of [
      ['LambdaEndpoint', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
      ['StsEndpoint', ec2.InterfaceVpcEndpointAwsService.STS],
      ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ] as const) {
      this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true, securityGroups: [endpointSecurity], subnets: { subnets: brokerSubnets }, open: false });
    }

    // ------------------------------------------------------------------ credentials and broker
    this.credentials = new secretsmanager.Secret(this, 'BrokerCredentials', {
      description: `mq-consumer: ActiveMQ user ${p.username} (used by the Lambda event source mapping)`,
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: p.username }),
        generateStringKey: 'password',
        passwordLength: 32,
        // ActiveMQ passwords may not contain commas, colons or equal signs.
        excludeCharacters: ',:=\'"\\/@ ',
      },
    });
    const brokerLogs = new logs.CfnResourcePolicy(this, 'BrokerLogsPolicy', {
      policyName: `mq-consumer-broker-logs-${Aws.REGION}`,
      policyDocument: Stack.of(this).toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AmazonMQBrokerLogs',
            Effect: 'Allow',
            Principal: { Service: 'mq.amazonaws.com' },
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/amazonmq/*`,
            Condition: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
          },
        ],
      }),
    });
    this.broker = new amazonmq.CfnBroker(this, 'Broker', {
      brokerName: `${Stack.of(this).stackName}-broker`.slice(0, 50),
      engineType: 'ACTIVEMQ',
      engineVersion: p.engineVersion,
      autoMinorVersionUpgrade: true,
      hostInstanceType: p.instanceType,
      deploymentMode: activeStandby ? 'ACTIVE_STANDBY_MULTI_AZ' : 'SINGLE_INSTANCE',
      publiclyAccessible: false,
      subnetIds: brokerSubnets.map((s) => s.subnetId),
      securityGroups: [this.brokerSecurity.securityGroupId],
      authenticationStrategy: 'SIMPLE',
      // Dynamic references: CloudFormation reads the secret at deploy time; no plaintext in the template.
      users: [
        {
          username: this.credentials.secretValueFromJson('username').unsafeUnwrap(),
          password: this.credentials.secretValueFromJson('password').unsafeUnwrap(),
          consoleAccess: false,
        },
      ],
      encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: key.keyArn },
      logs: { general: true, audit: true },
      maintenanceWindowStartTime: { dayOfWeek: 'SUNDAY', timeOfDay: '03:00', timeZone: 'UTC' },
    });
    this.broker.node.addDependency(brokerLogs);
    // Amazon MQ uses the key through a grant it creates for the broker.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AmazonMQBroker',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { StringEquals: { 'kms:ViaService': `mq.${Aws.REGION}.amazonaws.com`, 'kms:CallerAccount': Aws.ACCOUNT_ID } },
      }),
    );

    // ------------------------------------------------------------------ consumer
    this.messages = dataTable(this, 'Messages', { partitionKey: 'messageId', key, timeToLiveAttribute: 'expiresAt' });
    this.rejected = encryptedQueue(this, 'Rejected', key, { fifo: true });
    acknowledgeEndOfLine(this.rejected, 'This FIFO queue is where malformed broker messages are set aside with their reason; it is the end of the line, kept 14 days.');
    // Rejections too large for SQS are kept here whole, and the queue carries a pointer (claim check).
    this.rejectedPayloads = dataBucket(this, 'RejectedPayloads', { key, accessLogs: accessLogsBucket(this, 'AccessLogs'), accessLogsPrefix: 'rejected-payloads/' });
    // Twice the rejected queue's retention: a pointer never outlives its object.
    this.rejectedPayloads.addLifecycleRule({ id: 'expire-claim-checks', prefix: 'rejected/', expiration: Duration.days(28) });
    this.consumer = new PatternFunction(this, 'Consumer', {
      entry: 'mq-consumer/consumer/index.ts',
      description: `mq-consumer: stores messages of ${p.queue} once each, sets malformed ones aside`,
      environment: {
        TABLE_NAME: this.messages.tableName,
        REJECTED_QUEUE_URL: this.rejected.queueUrl,
        REJECTED_BUCKET: this.rejectedPayloads.bucketName,
        RETAIN_DAYS: String(p.retainMessagesDays),
      },
      timeout: Duration.seconds(60),
      logRetention: p.logRetentionDays,
      key,
      noVpcReason:
        "The broker is reached by the event source mapping's pollers, which run in the broker's VPC; the function itself calls only DynamoDB, SQS and S3 over IAM, so a VPC would add endpoints without narrowing access.",
      noDeadLetterReason: MQ_SOURCE_REASON,
    });
    const role = this.consumer.role;
    role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.messages.tableArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.rejected.queueArn] }));
    // Claim-check keys are rejected/<rejection id>.json, one per rejection, so the prefix needs a wildcard.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.rejectedPayloads.arnForObjects('rejected/*')] }));
    key.grant(role, 'kms:GenerateDataKey', 'kms:Encrypt');
    // What the event source mapping does with the function's role: read the broker and its secret…
    role.addToPolicy(new iam.PolicyStatement({ actions: ['mq:DescribeBroker'], resources: [this.broker.attrArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.credentials.secretArn] }));
    // …and put its pollers' network interfaces into the broker's VPC.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        // EC2 Describe* calls and network-interface creation by Lambda accept no resource-level scoping.
        resources: ['*'],
      }),
    );
    // CloudFormation-level: the L2 EventSourceMapping has no `queues`.
    const mapping = new lambda.CfnEventSourceMapping(this, 'BrokerQueue', {
      functionName: this.consumer.fn.functionName,
      eventSourceArn: this.broker.attrArn,
      queues: [p.queue],
      batchSize: p.batchSize,
      maximumBatchingWindowInSeconds: 1,
      sourceAccessConfigurations: [{ type: 'BASIC_AUTH', uri: this.credentials.secretArn }],
    });
    // The mapping checks its permissions when it is created.
    mapping.node.addDependency(role);
    Validations.of(mapping).acknowledge({ id: 'Serverless::Serverless-LambdaEventSourceMappingDestination', reason: MQ_SOURCE_REASON });
    this.mapping = mapping;

    // A rejected message is kept, and somebody hears of it.
    this.alarms = notificationTopic(this, 'Alarms', key, 'mq-consumer alarms', p.notifyEmail);
    alarmOnWaitingMessages(this, 'RejectedMessagesWaiting', this.rejected, this.alarms, `mq-consumer: malformed messages from ${p.queue} were set aside (see the rejected queue)`);

    // ------------------------------------------------------------------ acknowledgements
    const payloadsLogicalId = Stack.of(this).getLogicalId(this.rejectedPayloads.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: "The MQ event source mapping creates and describes network interfaces in the broker's VPC with the function's role; those EC2 calls take no narrower resource.",
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${payloadsLogicalId}.Arn>/rejected/*]`,
        reason: 'PutObject under rejected/ only: each oversized rejection is stored under its own id, so a prefix wildcard is the narrowest grant.',
      },
    );
    Validations.of(this.credentials).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The broker user is defined on the broker from this secret at deploy time; rotating it needs a broker update, which a redeploy with a new secret version performs. Managed rotation would desynchronize the two.',
    });
    if (!activeStandby) {
      const why = 'deploymentMode single-instance was chosen for this stage (the dev/test default); set deploymentMode: active-standby for production.';
      Validations.of(this.broker).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-MQ3', reason: `A single broker instance: ${why}` },
        { id: 'cdk-validator-cfnguard::mq_active_deployment_mode_check', reason: `A single broker instance: ${why}` },
      );
    }
  }
}

/** Why the consumer and its mapping have no DLQ or on-failure destination. */
const MQ_SOURCE_REASON =
  'Invoked by the Amazon MQ event source mapping, synchronously, which has no on-failure destination: a failed batch goes back to the broker, which redelivers it (its own dead-letter queue, ActiveMQ.DLQ, after its redelivery limit); malformed messages are set aside on the rejected queue.';

export class MqConsumerStack extends Stack {
  readonly pattern: MqConsumer;
  constructor(scope: Construct, id: string, props: PatternStackProps<MqConsumerParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'mq-consumer: Amazon MQ (ActiveMQ) as a Lambda event source (platform-delivery)' });
    this.pattern = new MqConsumer(this, 'Pattern', { parameters: props.parameters });
  }

  /** Chosen by CloudFormation at deploy time, so synth needs no lookup. */
  get availabilityZones(): string[] {
    return deployTimeAvailabilityZones(2);
  }
}
