import * as path from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { stackIdSuffix } from '../shared/names';
import { deployTimeAvailabilityZones, isolatedVpc } from '../shared/network';
import { PatternFunction, REPO_ROOT, type PatternFunctionProps } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';
import type { LambdaStorageParameters } from './parameters';

/** Where the EFS function sees the access point. */
export const EFS_MOUNT_PATH = '/mnt/shared';
const INCOMING = 'incoming/';

/**
 * One function per storage option a Lambda function has: S3 with native event notifications, /tmp
 * with its size as a parameter, a layer under /opt, and EFS through an access point in an isolated VPC.
 */
export class LambdaStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly functions: Record<'s3' | 'tmp' | 'layer' | 'efs', lambda.Function>;
  readonly fileSystem: efs.FileSystem;

  constructor(scope: Construct, id: string, props: { parameters: LambdaStorageParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'lambda-storage: bucket, file system, queue and logs');
    const alarms = notificationTopic(this, 'Alarms', key, 'lambda-storage alarms', p.notifyEmail);
    const dlq = deadLetterQueue(this, 'FailedInvocations', key, 'the lambda-storage functions (failed asynchronous invocations, S3 events among them)');
    alarmOnWaitingMessages(this, 'FailedInvocationsWaiting', dlq, alarms, 'lambda-storage: an asynchronous invocation (an S3 event) failed after its retries (see the dead-letter queue)');
    const common = { key, logRetention: p.logRetentionDays, deadLetterQueue: dlq, memorySize: 256, timeout: Duration.seconds(60) } satisfies Partial<PatternFunctionProps>;

    // The bucket's name is known before the bucket exists, so the function's permission and policy
    // can name it: S3 checks the permission when the notification is created, and a Ref would be a cycle.
    const bucketName = `lambda-storage-${Aws.ACCOUNT_ID}-${Aws.REGION}-${stackIdSuffix()}`;
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${bucketName}`;
    const onCreated = new PatternFunction(this, 'S3Report', {
      ...common,
      entry: 'lambda-storage/s3-report/index.ts',
      description: 'lambda-storage (S3): reports bytes, lines and words of each object created under incoming/',
      noVpcReason: 'Reads and writes S3 only; in a VPC it would need an S3 gateway endpoint per account and Region for nothing private.',
    });
    onCreated.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${INCOMING}*`] }));
    onCreated.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucketArn}/reports/*`] }));
    key.grant(onCreated.role, 'kms:GenerateDataKey');
    const permission = new lambda.CfnPermission(this, 'S3MayInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: onCreated.fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceArn: bucketArn,
      sourceAccount: Aws.ACCOUNT_ID,
    });

    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.bucket = dataBucket(this, 'Data', { key, accessLogs, accessLogsPrefix: 'data/' });
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.bucketName = bucketName;
    cfnBucket.notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
      lambdaConfigurations: [{ event: 's3:ObjectCreated:*', function: onCreated.fn.functionArn, filter: { s3Key: { rules: [{ name: 'prefix', value: INCOMING }] } } }],
    };
    cfnBucket.node.addDependency(permission);
    Validations.of(permission).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason: 'Scoped: SourceAccount is this account and SourceArn this stack’s bucket, both built from pseudo parameters (Ref, Fn::Join), which the rule reads as not strings.',
    });

    const tmp = new PatternFunction(this, 'TmpCache', {
      ...common,
      entry: 'lambda-storage/tmp-cache/index.ts',
      description: `lambda-storage (/tmp, ${p.ephemeralStorageMb} MiB): caches reference/ objects in the execution environment`,
      ephemeralStorageSize: Size.mebibytes(p.ephemeralStorageMb),
      // Large downloads take a while; Lambda's maximum is 15 minutes.
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: { BUCKET_NAME: bucketName, CACHE_DIR: '/tmp/reference-cache' },
      noVpcReason: 'Reads S3 only; in a VPC it would need an S3 gateway endpoint per account and Region for nothing private.',
    });
    tmp.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/reference/*`] }));

    const referenceLayer = new lambda.LayerVersion(this, 'ReferenceLayer', {
      description: 'lambda-storage: the storage-options table, at /opt/reference/storage-options.json',
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      code: lambda.Code.fromAsset(path.join(REPO_ROOT, 'functions', 'lambda-storage', 'reference-layer')),
    });
    const layer = new PatternFunction(this, 'LayerLookup', {
      ...common,
      entry: 'lambda-storage/layer-lookup/index.ts',
      description: 'lambda-storage (layer): answers from the reference table in /opt',
      layers: [referenceLayer],
      noVpcReason: 'Reads only its layer under /opt: no network at all.',
    });

    const vpc = isolatedVpc(this, 'Vpc', { cidr: p.vpcCidr, availabilityZones: p.availabilityZones, key, logRetention: p.logRetentionDays });
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const functionSecurity = new ec2.SecurityGroup(this, 'LedgerSecurity', { vpc, description: 'lambda-storage EFS function: NFS to the mount targets only', allowAllOutbound: false });
    const mountSecurity = new ec2.SecurityGroup(this, 'MountTargetSecurity', { vpc, description: 'lambda-storage mount targets: NFS from the EFS function only', allowAllOutbound: false });
    mountSecurity.addIngressRule(functionSecurity, ec2.Port.tcp(2049), 'NFS from the EFS function');
    functionSecurity.addEgressRule(mountSecurity, ec2.Port.tcp(2049), 'NFS to the mount targets');
    this.fileSystem = new efs.FileSystem(this, 'SharedFiles', {
      vpc,
      vpcSubnets: subnets,
      securityGroup: mountSecurity,
      encrypted: true,
      kmsKey: key,
      throughputMode: efs.ThroughputMode.ELASTIC,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      enableAutomaticBackups: true,
      lifecyclePolicy: efs.LifecyclePolicy.AFTER_30_DAYS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The function sees /ledger of the file system as its mount path, as uid/gid 1001, whatever its code asks.
    const accessPoint = this.fileSystem.addAccessPoint('Ledger', {
      path: '/ledger',
      createAcl: { ownerUid: '1001', ownerGid: '1001', permissions: '750' },
      posixUser: { uid: '1001', gid: '1001' },
    });
    const ledger = new PatternFunction(this, 'EfsLedger', {
      ...common,
      entry: 'lambda-storage/efs-ledger/index.ts',
      description: 'lambda-storage (EFS): adds an entry to a ledger shared through an access point',
      filesystem: lambda.FileSystem.fromEfsAccessPoint(accessPoint, EFS_MOUNT_PATH),
      network: { vpc, subnets, securityGroups: [functionSecurity] },
      environment: { MOUNT_PATH: EFS_MOUNT_PATH },
    });
    // cdk-nag names the bucket as it reads the Fn::Join: the name's pseudo parameters and the stack-id suffix.
    const nagBucket = `arn:<AWS::Partition>:s3:::lambda-storage-<AWS::AccountId>-<AWS::Region>-${JSON.stringify(Stack.of(this).resolve(stackIdSuffix()))}`;
    const objectsUnder = (role: iam.IRole, prefix: string, why: string) =>
      Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagBucket}/${prefix}*]`, reason: `Objects under ${prefix} of this stack's bucket only: ${why}` });
    objectsUnder(onCreated.role, INCOMING, 'the objects whose events it gets, whatever their names.');
    objectsUnder(onCreated.role, 'reports/', 'one report per incoming object.');
    objectsUnder(tmp.role, 'reference/', 'the reference files it caches, named by the caller.');
    this.functions = { s3: onCreated.fn, tmp: tmp.fn, layer: layer.fn, efs: ledger.fn };
    for (const [name, fn] of Object.entries(this.functions)) new CfnOutput(this, `${name[0].toUpperCase()}${name.slice(1)}FunctionName`, { value: fn.functionName });
    new CfnOutput(this, 'BucketName', { value: bucketName });
  }
}

export class LambdaStorageStack extends Stack {
  readonly pattern: LambdaStorage;
  private readonly azCount: number;
  constructor(scope: Construct, id: string, props: PatternStackProps<LambdaStorageParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'lambda-storage: S3, /tmp, a layer and EFS, one function each (platform-delivery)' });
    this.azCount = props.parameters.availabilityZones;
    this.pattern = new LambdaStorage(this, 'Pattern', { parameters: props.parameters });
  }

  /** Chosen by CloudFormation at deploy time: synth stays offline (no AZ lookup). */
  override get availabilityZones(): string[] {
    return deployTimeAvailabilityZones(this.azCount);
  }
}
