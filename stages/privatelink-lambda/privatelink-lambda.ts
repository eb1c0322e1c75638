import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { deployTimeAvailabilityZones, endpointSecurityGroup, isolatedVpc } from '../shared/network';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import type { PrivatelinkLambdaParameters } from './parameters';

/**
 * AWS PrivateLink for Lambda: an isolated VPC (no NAT, no internet gateway) with a Lambda interface
 * endpoint (private DNS, HTTPS from the VPC only) whose policy lets exactly one principal invoke
 * exactly one function; a caller in the VPC proves the path.
 */
export class PrivatelinkLambda extends Construct {
  readonly vpc: ec2.Vpc;
  readonly endpoint: ec2.InterfaceVpcEndpoint;
  readonly greeter: PatternFunction;
  readonly caller: PatternFunction;

  constructor(scope: Construct, id: string, props: { parameters: PrivatelinkLambdaParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'privatelink-lambda: logs and function environment');
    this.vpc = isolatedVpc(this, 'Vpc', { cidr: p.vpcCidr, availabilityZones: p.availabilityZones, key, logRetention: p.logRetentionDays });
    const endpointSecurity = endpointSecurityGroup(this, 'EndpointSecurity', this.vpc, 'HTTPS to the Lambda endpoint from this VPC', [{ peer: ec2.Peer.ipv4(p.vpcCidr), why: 'HTTPS from the VPC' }]);
    this.endpoint = this.vpc.addInterfaceEndpoint('LambdaEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
      privateDnsEnabled: true,
      securityGroups: [endpointSecurity],
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      open: false,
    });

    const functionSecurity = (name: string) => {
      const sg = new ec2.SecurityGroup(this, `${name}Security`, { vpc: this.vpc, description: `${name} function: HTTPS to the endpoint only`, allowAllOutbound: false });
      sg.addEgressRule(ec2.Peer.securityGroupId(endpointSecurity.securityGroupId), ec2.Port.tcp(443), 'HTTPS to the Lambda endpoint');
      return sg;
    };
    const network = (name: string) => ({ vpc: this.vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [functionSecurity(name)] });
    this.greeter = new PatternFunction(this, 'Greeter', {
      entry: 'privatelink-lambda/greeter/index.ts',
      description: 'privatelink-lambda: the function invoked through the endpoint',
      logRetention: p.logRetentionDays,
      key,
      network: network('Greeter'),
      noDeadLetterReason: 'Invoked synchronously (RequestResponse) by the caller through the Lambda endpoint; the caller gets the error. A DLQ catches asynchronous invocations only.',
    });
    this.caller = new PatternFunction(this, 'Caller', {
      entry: 'privatelink-lambda/caller/index.ts',
      description: 'privatelink-lambda: invokes the greeter through the endpoint, from an isolated subnet',
      environment: { TARGET_FUNCTION: this.greeter.fn.functionArn },
      logRetention: p.logRetentionDays,
      key,
      network: network('Caller'),
      noDeadLetterReason: 'Invoked synchronously by whoever tests the pattern (aws lambda invoke); they get the error. A DLQ catches asynchronous invocations only.',
    });
    this.caller.role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.greeter.fn.functionArn] }));
    // The endpoint lets this one principal invoke this one function, and nothing else through it.
    this.endpoint.addToPolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(this.caller.role.roleArn)],
        actions: ['lambda:InvokeFunction'],
        resources: [this.greeter.fn.functionArn],
      }),
    );
    for (const f of [this.greeter, this.caller]) {
      Validations.of(f.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5',
        reason: "Lambda creates and deletes the function's network interfaces in the VPC; those EC2 calls take no narrower resource.",
      });
    }
  }
}

export class PrivatelinkLambdaStack extends Stack {
  readonly pattern: PrivatelinkLambda;
  private readonly azCount: number;
  constructor(scope: Construct, id: string, props: PatternStackProps<PrivatelinkLambdaParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'privatelink-lambda: Lambda through an interface VPC endpoint (platform-delivery)' });
    this.azCount = props.parameters.availabilityZones;
    this.pattern = new PrivatelinkLambda(this, 'Pattern', { parameters: props.parameters });
  }

  /**
   * Availability Zones chosen by CloudFormation at deploy time (Fn::GetAZs), not looked up at
   * synth: synth stays offline, and the names are right in every Region.
   */
  get availabilityZones(): string[] {
    return deployTimeAvailabilityZones(this.azCount);
  }
}
