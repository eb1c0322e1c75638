import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newApp } from '../../pipeline/app-context';
import { ApiFacadeStack } from '../../stages/api-facade/api-facade';
import { ApiFacadeParameters } from '../../stages/api-facade/parameters';
import { STAGE_PATTERNS } from '../../stages';
import { openApiDocument } from '../functions/api-facade/contract';

const BACKEND = 'https://legacy.example.com/CustomerService.svc';

function synth(parameters: Record<string, unknown> = {}): Template {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'facade-')));
  return Template.fromStack(new ApiFacadeStack(app, 'Facade', { parameters: ApiFacadeParameters.parse({ backendUrl: BACKEND, ...parameters }) }));
}

describe('api-facade contract', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(openApiDocument))).resolves.toBeDefined();
  });

  it('validates, signs and meters every operation, and sends each to the mediator', () => {
    const operations = Object.entries(openApiDocument.paths as Record<string, Record<string, any>>).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
    );
    expect(operations.map((o) => o.key).sort()).toEqual(['GET /customers/{customerId}', 'GET /customers/{customerId}/orders', 'PATCH /customers/{customerId}']);
    for (const { op } of operations) {
      expect(op.security).toEqual([{ api_key: [], sigv4: [] }]);
      expect(op['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST' });
      for (const code of ['400', '403', '429', '502', '504']) expect(op.responses[code]).toBeDefined();
      expect(Object.keys(op.responses).filter((c) => c.startsWith('2'))).toEqual(['200']);
    }
    expect(openApiDocument['x-amazon-apigateway-request-validator']).toBe('all');
    expect(openApiDocument['x-amazon-apigateway-request-validators'].all).toEqual({ validateRequestBody: true, validateRequestParameters: true });
  });
});

describe('api-facade stage', () => {
  const template = synth();

  it('builds the REST API from the contract, with the mediator as every integration', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi')).map((r) => r.Properties);
    expect(api.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(Object.keys(api.Body.paths)).toEqual(Object.keys(openApiDocument.paths));
    expect(JSON.stringify(api.Body.paths)).toContain('MediatorFunction');
    expect(api.Body.components).toEqual(openApiDocument.components);
  });

  it('meters each API key by the usage plan, and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 20, BurstLimit: 40 }, Quota: { Limit: 100000, Period: 'MONTH' } });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, HttpMethod: '*', ResourcePath: '/*' })],
    });
  });

  it('reads the legacy credentials from its own secret only, and lets only this API invoke the mediator', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s) => s.Action === 'secretsmanager:GetSecretValue')).toEqual([expect.objectContaining({ Resource: { Ref: expect.stringMatching(/^FacadeBackendSecret/) } })]);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: { SecretStringTemplate: '{"username":"facade"}', GenerateStringKey: 'password', ExcludePunctuation: true },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', SourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { BACKEND_URL: BACKEND, BACKEND_TIMEOUT_MS: '5000' } } });
  });

  it('is private to one VPC endpoint when asked, and uses a given secret instead of creating one', () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:444444444444:secret:legacy-AbCdEf';
    const priv = synth({ privateEndpoint: { vpcEndpointId: 'vpce-0123456789abcdef0' }, backendSecretArn: secretArn });
    const [api] = Object.values(priv.findResources('AWS::ApiGateway::RestApi')).map((r) => r.Properties);
    expect(api.EndpointConfiguration).toEqual({ Types: ['PRIVATE'] });
    expect(api.Policy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } } })]));
    priv.resourceCountIs('AWS::SecretsManager::Secret', 0);
    priv.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { BACKEND_SECRET_ARN: secretArn } } });
  });

  it('refuses a backendSecretArn outside the target account and Region', () => {
    const rule = STAGE_PATTERNS.find((p) => p.id === 'api-facade')!.targetRule!;
    const org = { managementAccount: '111111111111', homeRegion: 'us-east-1', pipelineName: 'p', regions: ['us-east-1', 'eu-west-1'], organizationalUnits: [], accounts: [] };
    const secret = (arn?: string) => ApiFacadeParameters.parse({ backendUrl: BACKEND, backendSecretArn: arn });
    const target = { accountName: 'dev', accountId: '444444444444', region: 'us-east-1' };
    expect(rule(secret(), target, org)).toBeUndefined();
    expect(rule(secret('arn:aws:secretsmanager:us-east-1:444444444444:secret:legacy-AbCdEf'), target, org)).toBeUndefined();
    expect(rule(secret('arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy-AbCdEf'), target, org)?.problem).toBe(
      'backendSecretArn arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy-AbCdEf is in 444444444444/eu-west-1, not the target 444444444444/us-east-1',
    );
    expect(rule(secret('arn:aws:secretsmanager:us-east-1:555555555555:secret:legacy-AbCdEf'), target, org)).toBeDefined();
  });

  it('refuses an http backend, a bad endpoint id and a timeout past API Gateway’s', () => {
    expect(ApiFacadeParameters.safeParse({ backendUrl: 'http://legacy.example.com/' }).success).toBe(false);
    expect(ApiFacadeParameters.safeParse({ backendUrl: BACKEND, privateEndpoint: { vpcEndpointId: 'vpc-123' } }).success).toBe(false);
    expect(ApiFacadeParameters.safeParse({ backendUrl: BACKEND, backendTimeoutMs: 30_000 }).success).toBe(false);
    expect(ApiFacadeParameters.safeParse({}).success).toBe(false);
  });
});
