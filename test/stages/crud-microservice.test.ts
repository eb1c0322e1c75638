import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { CrudMicroserviceStack } from '../../stages/crud-microservice/crud-microservice';
import { CrudMicroserviceParameters } from '../../stages/crud-microservice/parameters';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'crud-')));
  return Template.fromStack(new CrudMicroserviceStack(app, 'Crud', { parameters: CrudMicroserviceParameters.parse(parameters) }));
}

const policyActionsOf = (template: Template, functionPrefix: RegExp) => {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => functionPrefix.test(id));
  expect(roles).toHaveLength(1);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roles[0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .flatMap((s) => [s.Action].flat() as string[])
    .filter((a) => a.startsWith('dynamodb:'));
};

describe('crud-microservice stage', () => {
  const template = synth();

  it('has the five routes, each behind the JWT authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['DELETE /{id}', 'GET /', 'GET /{id}', 'PATCH /{id}', 'POST /']);
    for (const r of routes) expect(r).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.stringMatching(/Cognito/) } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('UsersApi') }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: Match.stringLikeRegexp('Users') }]] },
      },
    });
  });

  it('gives each function a role with exactly its one table action', () => {
    expect(policyActionsOf(template, /^ServiceListRole/)).toEqual(['dynamodb:Scan']);
    expect(policyActionsOf(template, /^ServiceGetRole/)).toEqual(['dynamodb:GetItem']);
    expect(policyActionsOf(template, /^ServiceCreateRole/)).toEqual(['dynamodb:PutItem']);
    expect(policyActionsOf(template, /^ServicePatchRole/)).toEqual(['dynamodb:UpdateItem']);
    expect(policyActionsOf(template, /^ServiceDeleteRole/)).toEqual(['dynamodb:DeleteItem']);
  });

  it('keeps items in a KMS-encrypted table with point-in-time recovery, and logs access', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] } },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('creates a Cognito pool without self sign-up, or takes your issuer and audience instead', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }, MfaConfiguration: 'OPTIONAL' });
    const own = synth({ jwt: { issuer: 'https://login.example.com/', audience: ['items-api'] } });
    own.resourceCountIs('AWS::Cognito::UserPool', 0);
    own.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Issuer: 'https://login.example.com/', Audience: ['items-api'] } });
    expect(CrudMicroserviceParameters.safeParse({ jwt: { issuer: 'http://login.example.com/', audience: ['a'] } }).success).toBe(false);
    expect(CrudMicroserviceParameters.safeParse({ jwt: { issuer: 'https://login.example.com/', audience: [] } }).success).toBe(false);
  });
});
