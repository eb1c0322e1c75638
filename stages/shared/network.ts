import { Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * `count` Availability Zones picked by CloudFormation at deploy time (Fn::GetAZs), not looked up
 * at synth: synth stays offline, and the names are right in every Region. Stacks with a VPC
 * return this from their `availabilityZones` getter.
 */
export function deployTimeAvailabilityZones(count = 2): string[] {
  return Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs()));
}

export interface IsolatedVpcProps {
  readonly cidr: string;
  readonly availabilityZones: number;
  /** Encrypts the flow-log group. */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A VPC with isolated subnets only (no NAT, no internet gateway) and flow logs to an encrypted log
 * group: AWS APIs are reached through interface endpoints the pattern adds. One per scope: the
 * flow-log ids are fixed, so stacks created before this helper keep their logical ids.
 */
export function isolatedVpc(scope: Construct, id: string, props: IsolatedVpcProps): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr(props.cidr),
    maxAzs: props.availabilityZones,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 28 }],
    restrictDefaultSecurityGroup: false,
  });
  new ec2.FlowLog(scope, 'FlowLogs', {
    resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
    destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(scope, 'FlowLogGroup', { retention: props.logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN })),
  });
  Validations.of(vpc).acknowledge({ id: 'AwsSolutions::AwsSolutions-VPC7', reason: 'Flow logs are configured with ec2.FlowLog beside the VPC.' });
  return vpc;
}

/** A security group for interface endpoints that accepts HTTPS from the given peers only. */
export function endpointSecurityGroup(scope: Construct, id: string, vpc: ec2.IVpc, description: string, peers: { peer: ec2.IPeer; why: string }[]): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, id, { vpc, description, allowAllOutbound: false });
  for (const { peer, why } of peers) sg.addIngressRule(peer, ec2.Port.tcp(443), why);
  return sg;
}
