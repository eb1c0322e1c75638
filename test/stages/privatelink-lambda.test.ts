import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { PrivatelinkLambdaParameters } from '../../stages/privatelink-lambda/parameters';
import { PrivatelinkLambdaStack } from '../../stages/privatelink-lambda/privatelink-lambda';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'privatelink-')));
  return Template.fromStack(new PrivatelinkLambdaStack(app, 'Privatelink', { parameters: PrivatelinkLambdaParameters.parse(parameters), env: { account: '444444444444', region: 'us-east-1' } }));
}

describe('privatelink-lambda stage', () => {
  const template = synth();

  it('is an isolated VPC: no NAT gateway, no internet gateway, flow logs on', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.42.0.0/24' });
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
  });

  it('has a Lambda interface endpoint with private DNS, open on 443 to the VPC only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: 'com.amazonaws.us-east-1.lambda',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'HTTPS to the Lambda endpoint from this VPC',
      SecurityGroupIngress: [{ CidrIp: '10.42.0.0/24', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS from the VPC' }],
    });
  });

  it('lets exactly one principal invoke exactly one function through the endpoint', () => {
    const [endpoint] = Object.values(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoint.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^PatternCallerRole/), 'Arn'] } },
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PatternGreeterFunction/), 'Arn'] },
      },
    ]);
  });

  it('runs both functions in the isolated subnets, reaching only the endpoint', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    expect(fns).toHaveLength(2);
    for (const f of fns) expect(f.VpcConfig.SubnetIds).toHaveLength(2);
    const functionGroups = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).filter(([id]) => /^Pattern(Greeter|Caller)Security/.test(id));
    expect(functionGroups).toHaveLength(2);
    for (const [, sg] of functionGroups) {
      expect(sg.Properties.SecurityGroupEgress).toEqual([
        {
          Description: 'HTTPS to the Lambda endpoint',
          DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^PatternEndpointSecurity/), 'GroupId'] },
          FromPort: 443,
          ToPort: 443,
          IpProtocol: 'tcp',
        },
      ]);
    }
  });

  it('lets the caller invoke the greeter and nothing else', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invokes = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invokes).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PatternGreeterFunction/), 'Arn'] } })]);
  });

  it('takes its CIDR and Availability Zones from parameters', () => {
    const other = synth({ vpcCidr: '10.9.0.0/22', availabilityZones: 3 });
    other.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.9.0.0/22' });
    expect(Object.values(other.findResources('AWS::EC2::Subnet'))).toHaveLength(3);
    expect(PrivatelinkLambdaParameters.safeParse({ vpcCidr: '10.0.0.0/8' }).success).toBe(false);
  });
});
