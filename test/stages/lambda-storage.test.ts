import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { EFS_MOUNT_PATH, LambdaStorageStack } from '../../stages/lambda-storage/lambda-storage';
import { LambdaStorageParameters } from '../../stages/lambda-storage/parameters';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'storage-')));
  return Template.fromStack(new LambdaStorageStack(app, 'Storage', { parameters: LambdaStorageParameters.parse(parameters) }));
}

describe('lambda-storage stage', () => {
  const template = synth();
  const fnBy = (description: string) => Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) => String(r.Properties.Description).startsWith(description))!;

  it('sends native S3 events for incoming/ to the S3 function, allowed only for this bucket and account', () => {
    const [s3Fn] = fnBy('lambda-storage (S3)');
    const [permission] = Object.keys(template.findResources('AWS::Lambda::Permission'));
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        NotificationConfiguration: {
          EventBridgeConfiguration: { EventBridgeEnabled: true },
          LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: { 'Fn::GetAtt': [s3Fn, 'Arn'] }, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } } }],
        },
      },
      DependsOn: [permission],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: Match.anyValue() });
    expect(fnBy('lambda-storage (S3)')[1].Properties.DeadLetterConfig).toBeDefined();
  });

  it('sizes /tmp from the parameter', () => {
    expect(fnBy('lambda-storage (/tmp')[1].Properties.EphemeralStorage).toEqual({ Size: 1024 });
    const big = synth({ ephemeralStorageMb: 10240 });
    expect(
      Object.values(big.findResources('AWS::Lambda::Function'))
        .map((f) => f.Properties.EphemeralStorage?.Size)
        .filter(Boolean),
    ).toEqual([10240]);
    expect(LambdaStorageParameters.safeParse({ ephemeralStorageMb: 10241 }).success).toBe(false);
    expect(LambdaStorageParameters.safeParse({ ephemeralStorageMb: 256 }).success).toBe(false);
  });

  it('gives the layer function its reference layer', () => {
    const [layer] = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
    expect(fnBy('lambda-storage (layer)')[1].Properties.Layers).toEqual([{ Ref: layer }]);
  });

  it('mounts EFS through an access point that enforces its user and root, from an isolated VPC, NFS only', () => {
    const [, ledger] = fnBy('lambda-storage (EFS)');
    expect(ledger.Properties.FileSystemConfigs).toEqual([
      { Arn: expect.objectContaining({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining([':access-point/'])]) }), LocalMountPath: EFS_MOUNT_PATH },
    ]);
    expect(ledger.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '1001', Gid: '1001' },
      RootDirectory: { Path: '/ledger', CreationInfo: { OwnerUid: '1001', OwnerGid: '1001', Permissions: '750' } },
    });
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, KmsKeyId: Match.anyValue(), ThroughputMode: 'elastic', BackupPolicy: { Status: 'ENABLED' } });
    template.resourceCountIs('AWS::EFS::MountTarget', 2);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    for (const type of ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']) template.hasResourceProperties(type, { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049 });
    const elasticfs = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string[] }) => JSON.stringify(s.Action).includes('elasticfilesystem'));
    expect(elasticfs.flatMap((s: { Action: string[] }) => [s.Action].flat()).sort()).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
  });

  it('alarms on the dead-letter queue of the asynchronous invocations', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }] });
  });
});
