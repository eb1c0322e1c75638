/**
 * Template pairs and cloud assemblies for the change summary's tests: a pattern-like stack in two
 * versions as CDK synthesizes it, and assemblies laid out as the pipeline's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sns from 'aws-cdk-lib/aws-sns';

export interface Version {
  readonly visibility: number;
  readonly partitionKey: string;
  readonly topic: boolean;
  readonly legacyQueue: boolean;
  readonly s3Read: boolean;
  readonly httpsIngress: boolean;
}

export const BEFORE: Version = { visibility: 30, partitionKey: 'id', topic: false, legacyQueue: true, s3Read: false, httpsIngress: false };
export const AFTER: Version = { visibility: 60, partitionKey: 'pk', topic: true, legacyQueue: false, s3Read: true, httpsIngress: true };

/** A pattern-like stack in two versions, as CDK synthesizes it. */
export function template(v: Version): Record<string, unknown> {
  const app = new App();
  const stack = new Stack(app, 'Pattern', { env: { account: '444444444444', region: 'us-east-1' } });
  new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(v.visibility) });
  if (v.legacyQueue) new sqs.Queue(stack, 'Legacy');
  new dynamodb.Table(stack, 'Table', { partitionKey: { name: v.partitionKey, type: dynamodb.AttributeType.STRING } });
  if (v.topic) new sns.Topic(stack, 'Topic');
  const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  if (v.s3Read) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] }));
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
  if (v.httpsIngress) sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443));
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

/** A cloud assembly laid out as the pipeline's: its own stack, a CDK Stage's, a StackSet's host stack and template. */
export function assembly(dir: string, templates: { pipeline: object; prodStage?: object; stackSetTemplate: object; host: object }): string {
  const write = (file: string, value: object) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value));
  };
  const stack = (templateFile: string, stackName: string, environment: string) => ({ type: 'aws:cloudformation:stack', environment, properties: { templateFile, stackName } });
  const nested: Record<string, unknown> = {};
  if (templates.prodStage) {
    const d = 'assembly-platform-delivery-pipeline-sns-fifo-jobs-prod-us-east-1';
    write(path.join(dir, d, 'Jobs.template.json'), templates.prodStage);
    write(path.join(dir, d, 'manifest.json'), { artifacts: { Jobs: stack('Jobs.template.json', 'pattern-sns-fifo-jobs', 'aws://666666666666/us-east-1') } });
    nested[d] = { type: 'cdk:cloud-assembly', properties: { directoryName: d } };
  }
  const t = 'assembly-platform-delivery-pipeline-stackset-template-data-lake';
  write(path.join(dir, t, 'DataLake.stackset.template.json'), templates.stackSetTemplate);
  const h = 'assembly-platform-delivery-pipeline-stackset-dev-data-lake';
  write(path.join(dir, h, 'Host.template.json'), templates.host);
  write(path.join(dir, h, 'Host.assets.json'), {
    files: { a: { source: { path: `../${t}/DataLake.stackset.template.json`, packaging: 'file' } }, b: { source: { path: 'Host.template.json', packaging: 'file' } } },
  });
  write(path.join(dir, h, 'manifest.json'), { artifacts: { Host: stack('Host.template.json', 'platform-delivery-dev-data-lake-stackset', 'aws://111111111111/us-east-1') } });
  write(path.join(dir, 'platform-delivery-pipeline.template.json'), templates.pipeline);
  write(path.join(dir, 'manifest.json'), {
    artifacts: {
      'platform-delivery-pipeline': stack('platform-delivery-pipeline.template.json', 'platform-delivery-pipeline', 'aws://111111111111/us-east-1'),
      ...nested,
      [t]: { type: 'cdk:cloud-assembly', properties: { directoryName: t } },
      [h]: { type: 'cdk:cloud-assembly', properties: { directoryName: h } },
    },
  });
  return dir;
}
