import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { glueDatabaseArns, glueLogsStatement, glueSecurityConfiguration } from '../shared/glue';
import { deployTimeAvailabilityZones, endpointSecurityGroup, isolatedVpc } from '../shared/network';
import { PatternFunction } from '../shared/pattern-function';
import { allowEventBridgeRules, patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import type { DataLakeParameters } from './parameters';

const LMS_PREFIX = 'lms/';
const SIS_PREFIX = 'sis/';
const SYNC_RULE_NAME = 'data-lake-sync';
const DMS_PORTS = { postgres: 5432, mysql: 3306, sqlserver: 1433, oracle: 1521 } as const;

/**
 * A higher-education data lake: the LMS export (Canvas Data 2 through the DAP API) synced daily
 * into a raw zone, catalogued by a Glue crawler, queried through an Athena workgroup with its own
 * encrypted results, and a load summary on SNS. DMS (the SIS database) and Redshift Serverless are
 * there behind parameters, off by default.
 */
export class DataLake extends Construct {
  readonly raw: s3.Bucket;
  readonly results: s3.Bucket;
  readonly credentials: secretsmanager.Secret;
  readonly sync: PatternFunction;
  readonly summary: sns.Topic;
  readonly crawler: glue.CfnCrawler;
  readonly workgroup: athena.CfnWorkGroup;
  readonly vpc?: ec2.Vpc;

  constructor(scope: Construct, id: string, props: { parameters: DataLakeParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'data-lake: zones, results, credentials, summary and logs');

    // ------------------------------------------------------------------ zones
    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.raw = dataBucket(this, 'Raw', { key, accessLogs, accessLogsPrefix: 'raw/' });
    this.results = dataBucket(this, 'AthenaResults', { key, accessLogs, accessLogsPrefix: 'athena-results/', noncurrentVersionDays: 7 });

    // ------------------------------------------------------------------ LMS sync
    this.credentials = new secretsmanager.Secret(this, 'DapCredentials', {
      description: 'data-lake: DAP (Canvas Data 2) client credentials as {"clientId": …, "clientSecret": …}; replace the placeholder after the first deploy',
      encryptionKey: key,
      generateSecretString: { secretStringTemplate: JSON.stringify({ clientId: 'REPLACE_ME' }), generateStringKey: 'clientSecret', passwordLength: 16 },
    });
    this.summary = notificationTopic(this, 'LoadSummary', key, 'data-lake load summary', p.notifyEmail);
    const syncFailures = deadLetterQueue(this, 'SyncFailures', key, 'the sync schedule and the sync function');
    alarmOnWaitingMessages(this, 'SyncFailuresNotEmpty', syncFailures, this.summary, 'data-lake: a sync run failed after its retries (see the SyncFailures queue and the load summary)');
    this.sync = new PatternFunction(this, 'Sync', {
      entry: 'data-lake/sync/index.ts',
      description: `data-lake: daily DAP sync of ${p.namespace} tables into the raw zone`,
      environment: {
        RAW_BUCKET: this.raw.bucketName,
        SECRET_ARN: this.credentials.secretArn,
        TOPIC_ARN: this.summary.topicArn,
        NAMESPACE: p.namespace,
        TABLES: p.tables.join(','),
        PREFIX: LMS_PREFIX,
      },
      timeout: Duration.minutes(15),
      memorySize: 1024,
      // One sync at a time: two runs would ask DAP for the same windows.
      reservedConcurrentExecutions: 1,
      deadLetterQueue: syncFailures,
      logRetention: p.logRetentionDays,
      key,
      noVpcReason: 'Calls the DAP API on the internet (api-gateway.instructure.com and its pre-signed object URLs); outside a VPC Lambda reaches it without a NAT gateway per account and Region.',
    });
    const role = this.sync.role;
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], resources: [this.raw.arnForObjects(`${LMS_PREFIX}*`), this.raw.arnForObjects('_state/*')] }),
    );
    // ListBucket lets HeadObject answer 404 (not 403) for a file not stored yet.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.raw.bucketArn], conditions: { StringLike: { 's3:prefix': [`${LMS_PREFIX}*`, '_state/*'] } } }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.credentials.secretArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.summary.topicArn] }));
    key.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
    new events.Rule(this, 'SyncSchedule', {
      ruleName: SYNC_RULE_NAME,
      description: 'data-lake: daily LMS sync',
      schedule: events.Schedule.cron({ minute: '0', hour: String(p.syncHourUtc) }),
      targets: [new targets.LambdaFunction(this.sync.fn, { deadLetterQueue: syncFailures, retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });
    allowEventBridgeRules(key, 'EventBridgeSyncDeadLetters', [SYNC_RULE_NAME]);

    // ------------------------------------------------------------------ catalog
    new glue.CfnDatabase(this, 'Database', { catalogId: Aws.ACCOUNT_ID, databaseInput: { name: p.databaseName, description: 'data-lake: LMS (and SIS) raw zone' } });
    const crawlerRole = new iam.Role(this, 'CrawlerRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'), description: 'data-lake: Glue crawler of the raw zone' });
    crawlerRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.raw.arnForObjects(`${LMS_PREFIX}*`), this.raw.arnForObjects(`${SIS_PREFIX}*`)] }));
    crawlerRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.raw.bucketArn] }));
    crawlerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchCreatePartition',
          'glue:BatchGetPartition',
          'glue:UpdatePartition',
          'glue:BatchUpdatePartition',
        ],
        resources: glueDatabaseArns(this, p.databaseName),
      }),
    );
    crawlerRole.addToPolicy(glueLogsStatement());
    key.grant(crawlerRole, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt');
    const crawlerSecurity = glueSecurityConfiguration(this, 'CrawlerSecurity', 'data-lake-crawler-security', key);
    this.crawler = new glue.CfnCrawler(this, 'Crawler', {
      name: 'data-lake-raw',
      description: 'data-lake: one table per DAP table (and SIS table) of the raw zone',
      role: crawlerRole.roleArn,
      databaseName: p.databaseName,
      targets: { s3Targets: [{ path: `s3://${this.raw.bucketName}/${LMS_PREFIX}${p.namespace}/` }, ...(p.dms.enabled ? [{ path: `s3://${this.raw.bucketName}/${SIS_PREFIX}` }] : [])] },
      tablePrefix: '',
      schedule: { scheduleExpression: `cron(30 ${p.syncHourUtc + 1} * * ? *)` },
      crawlerSecurityConfiguration: crawlerSecurity.ref,
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
      // lms/<namespace>/<table>/job=…/ → one table per DAP table, jobs as partitions.
      configuration: JSON.stringify({ Version: 1.0, Grouping: { TableLevelConfiguration: 4 }, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } } }),
    });

    // ------------------------------------------------------------------ Athena
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: 'data-lake',
      description: 'data-lake: queries over the raw zone, results encrypted in their own bucket',
      state: 'ENABLED',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: p.athenaBytesScannedCutoffGb * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: { outputLocation: `s3://${this.results.bucketName}/athena/`, encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn } },
      },
    });

    // ------------------------------------------------------------------ optional: DMS and Redshift
    if (p.dms.enabled || p.redshift.enabled) {
      this.vpc = isolatedVpc(this, 'Vpc', { cidr: p.vpcCidr, availabilityZones: 3, key, logRetention: p.logRetentionDays });
    }
    if (p.dms.enabled && this.vpc) this.addDms(p, key, this.vpc);
    if (p.redshift.enabled && this.vpc) this.addRedshift(p, key, this.vpc);

    // ------------------------------------------------------------------ acknowledgements
    Validations.of(this.credentials).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: "DAP client credentials are issued by Instructure's identity service; they are rotated there and pasted here, which no rotation Lambda can do.",
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: 'DAP files are stored under lms/<namespace>/<table>/job=<id>/ with names DAP chooses, and table state under _state/: prefix wildcards are the narrowest grant.',
    });
    Validations.of(crawlerRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: "The crawler reads every file under the raw zone prefixes and manages the tables of this pattern's database, whose names come from the data; it writes its logs under /aws-glue/.",
    });
  }

  private addDms(p: DataLakeParameters, key: kms.IKey, vpc: ec2.Vpc): void {
    const d = p.dms;
    const security = new ec2.SecurityGroup(this, 'DmsSecurity', { vpc, description: 'data-lake DMS: to the SIS database and the AWS endpoints', allowAllOutbound: false });
    // The SIS database is reached through the network you attach to this VPC (VPN or Transit Gateway).
    security.addEgressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(DMS_PORTS[d.sourceEngine]), `${d.sourceEngine} to the SIS database on the private network`);
    const endpointSecurity = endpointSecurityGroup(this, 'DmsEndpointSecurity', vpc, 'HTTPS to Secrets Manager from DMS', [{ peer: security, why: 'HTTPS from DMS' }]);
    security.addEgressRule(endpointSecurity, ec2.Port.tcp(443), 'DMS to the Secrets Manager endpoint');
    vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      privateDnsEnabled: true,
      securityGroups: [endpointSecurity],
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
    vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    // The isolated subnets route HTTPS nowhere but the S3 gateway endpoint (and the interface endpoints).
    security.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'DMS to S3 through the gateway endpoint');

    const subnets = new dms.CfnReplicationSubnetGroup(this, 'DmsSubnets', {
      replicationSubnetGroupDescription: 'data-lake: DMS Serverless in the isolated subnets',
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const secretsRole = new iam.Role(this, 'DmsSecretsRole', { assumedBy: new iam.ServicePrincipal(`dms.${Aws.REGION}.amazonaws.com`), description: 'data-lake: DMS reads the SIS connection secret' });
    secretsRole.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [d.sourceSecretArn!] }));
    const targetRole = new iam.Role(this, 'DmsTargetRole', { assumedBy: new iam.ServicePrincipal('dms.amazonaws.com'), description: 'data-lake: DMS writes SIS tables to the raw zone' });
    targetRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'], resources: [this.raw.arnForObjects(`${SIS_PREFIX}*`)] }));
    targetRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.raw.bucketArn] }));
    key.grant(targetRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    const secretSettings = { secretsManagerSecretId: d.sourceSecretArn!, secretsManagerAccessRoleArn: secretsRole.roleArn };
    const source = new dms.CfnEndpoint(this, 'DmsSource', {
      endpointType: 'source',
      engineName: d.sourceEngine,
      databaseName: d.databaseName,
      sslMode: 'require',
      kmsKeyId: key.keyArn,
      ...(d.sourceEngine === 'postgres' ? { postgreSqlSettings: secretSettings } : {}),
      ...(d.sourceEngine === 'mysql' ? { mySqlSettings: secretSettings } : {}),
      ...(d.sourceEngine === 'sqlserver' ? { microsoftSqlServerSettings: secretSettings } : {}),
      ...(d.sourceEngine === 'oracle' ? { oracleSettings: secretSettings } : {}),
    });
    const target = new dms.CfnEndpoint(this, 'DmsTarget', {
      endpointType: 'target',
      engineName: 's3',
      kmsKeyId: key.keyArn,
      s3Settings: {
        bucketName: this.raw.bucketName,
        bucketFolder: SIS_PREFIX.replace(/\/$/, ''),
        serviceAccessRoleArn: targetRole.roleArn,
        dataFormat: 'parquet',
        encryptionMode: 'SSE_KMS',
        serverSideEncryptionKmsKeyId: key.keyArn,
        datePartitionEnabled: true,
      },
    });
    new dms.CfnReplicationConfig(this, 'DmsReplication', {
      replicationConfigIdentifier: 'data-lake-sis',
      replicationType: 'full-load-and-cdc',
      sourceEndpointArn: source.ref,
      targetEndpointArn: target.ref,
      computeConfig: {
        maxCapacityUnits: d.maxCapacityUnits,
        minCapacityUnits: 1,
        multiAz: false,
        replicationSubnetGroupId: subnets.ref,
        vpcSecurityGroupIds: [security.securityGroupId],
        kmsKeyId: key.keyArn,
      },
      tableMappings: { rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'sis-schema', 'object-locator': { 'schema-name': d.schema, 'table-name': '%' }, 'rule-action': 'include' }] },
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DmsOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { StringEquals: { 'kms:ViaService': `dms.${Aws.REGION}.amazonaws.com`, 'kms:CallerAccount': Aws.ACCOUNT_ID } },
      }),
    );
    Validations.of(targetRole).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'DMS names its files per table and date under sis/; a prefix wildcard is the narrowest grant.' });
  }

  private addRedshift(p: DataLakeParameters, key: kms.IKey, vpc: ec2.Vpc): void {
    const spectrum = new iam.Role(this, 'RedshiftSpectrumRole', {
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
      description: 'data-lake: Redshift Spectrum reads the raw zone through the Glue catalog',
    });
    spectrum.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.raw.arnForObjects(`${LMS_PREFIX}*`), this.raw.arnForObjects(`${SIS_PREFIX}*`)] }));
    spectrum.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [this.raw.bucketArn] }));
    spectrum.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
        resources: glueDatabaseArns(this, p.databaseName),
      }),
    );
    key.grant(spectrum, 'kms:Decrypt');
    const namespace = new redshift.CfnNamespace(this, 'RedshiftNamespace', {
      namespaceName: 'data-lake',
      dbName: 'analytics',
      adminUsername: 'lakeadmin',
      // Redshift generates the admin password into Secrets Manager: nothing in the template.
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: key.keyArn,
      kmsKeyId: key.keyArn,
      iamRoles: [spectrum.roleArn],
      defaultIamRoleArn: spectrum.roleArn,
      logExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    const security = new ec2.SecurityGroup(this, 'RedshiftSecurity', { vpc, description: 'data-lake Redshift Serverless: no inbound until you add your clients', allowAllOutbound: false });
    const workgroup = new redshift.CfnWorkgroup(this, 'RedshiftWorkgroup', {
      workgroupName: 'data-lake',
      namespaceName: 'data-lake',
      baseCapacity: p.redshift.baseCapacityRpus,
      publiclyAccessible: false,
      enhancedVpcRouting: false,
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
      securityGroupIds: [security.securityGroupId],
    });
    workgroup.node.addDependency(namespace);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RedshiftServerlessOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:RetireGrant'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { StringEquals: { 'kms:ViaService': [`redshift-serverless.${Aws.REGION}.amazonaws.com`, `secretsmanager.${Aws.REGION}.amazonaws.com`], 'kms:CallerAccount': Aws.ACCOUNT_ID } },
      }),
    );
    Validations.of(spectrum).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason: "Spectrum reads every file of the raw zone prefixes and every table of this pattern's database, whose names come from the data.",
    });
  }
}

export class DataLakeStack extends Stack {
  readonly pattern: DataLake;
  private readonly azCount: number;
  constructor(scope: Construct, id: string, props: PatternStackProps<DataLakeParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'data-lake: LMS (Canvas Data 2) sync, Glue catalog, Athena; optional DMS and Redshift (platform-delivery)',
    });
    this.azCount = 3;
    this.pattern = new DataLake(this, 'Pattern', { parameters: props.parameters });
  }

  /** Chosen by CloudFormation at deploy time, so synth needs no lookup. */
  get availabilityZones(): string[] {
    return deployTimeAvailabilityZones(this.azCount);
  }
}
