import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { PatternFunction } from '../shared/pattern-function';
import { PatternHttpApi } from '../shared/http-api';
import { patternKey } from '../shared/pattern-key';
import { dataTable } from '../shared/tables';
import type { CrudMicroserviceParameters } from './parameters';

const NO_VPC_REASON = 'Reaches only DynamoDB, a regional AWS API, with IAM auth; a VPC would add endpoint cost per account and Region without narrowing access.';
const SYNCHRONOUS = 'Invoked synchronously by API Gateway, which returns the error to the caller; there is no asynchronous event to keep.';

/** One route, its function, and the one table action its role may take. */
const OPERATIONS = [
  { id: 'List', fn: 'list', method: apigwv2.HttpMethod.GET, path: '/', action: 'dynamodb:Scan', writes: false },
  { id: 'Get', fn: 'get', method: apigwv2.HttpMethod.GET, path: '/{id}', action: 'dynamodb:GetItem', writes: false },
  { id: 'Create', fn: 'create', method: apigwv2.HttpMethod.POST, path: '/', action: 'dynamodb:PutItem', writes: true },
  { id: 'Patch', fn: 'patch', method: apigwv2.HttpMethod.PATCH, path: '/{id}', action: 'dynamodb:UpdateItem', writes: true },
  { id: 'Delete', fn: 'delete', method: apigwv2.HttpMethod.DELETE, path: '/{id}', action: 'dynamodb:DeleteItem', writes: true },
] as const;

/**
 * An HTTP API behind a JWT authorizer (a Cognito user pool by default, or your issuer), and five
 * single-purpose functions over one table, each with a role that may take one table action.
 */
export class CrudMicroservice extends Construct {
  readonly api: PatternHttpApi;
  readonly table: dynamodb.Table;
  readonly key: kms.Key;
  readonly userPool?: cognito.UserPool;
  readonly functions: Record<(typeof OPERATIONS)[number]['fn'], PatternFunction>;

  constructor(scope: Construct, id: string, props: { parameters: CrudMicroserviceParameters }) {
    super(scope, id);
    const p = props.parameters;
    this.key = patternKey(this, 'Key', 'crud-microservice: table and logs');
    this.table = dataTable(this, 'Items', { partitionKey: 'id', key: this.key });
    this.api = new PatternHttpApi(this, 'Http', { description: 'crud-microservice items API', key: this.key, logRetention: p.logRetentionDays, throttle: p.throttle, corsOrigins: p.corsOrigins });

    let authorizer: apigwv2.IHttpRouteAuthorizer;
    if (p.jwt) authorizer = new HttpJwtAuthorizer('Jwt', p.jwt.issuer, { jwtAudience: p.jwt.audience });
    else ({ authorizer, pool: this.userPool } = this.cognitoAuthorizer(p));
    const functions: Partial<Record<string, PatternFunction>> = {};
    for (const op of OPERATIONS) {
      const fn = new PatternFunction(this, op.id, {
        entry: `crud-microservice/${op.fn}/index.ts`,
        description: `crud-microservice: ${op.method} ${op.path}`,
        environment: { TABLE_NAME: this.table.tableName },
        timeout: Duration.seconds(10),
        logRetention: p.logRetentionDays,
        key: this.key,
        noVpcReason: NO_VPC_REASON,
        noDeadLetterReason: SYNCHRONOUS,
      });
      fn.role.addToPolicy(new iam.PolicyStatement({ actions: [op.action], resources: [this.table.tableArn] }));
      if (op.writes) this.key.grant(fn.role, 'kms:Encrypt', 'kms:GenerateDataKey');
      this.api.route(op.path, op.method, fn.fn, { authorizer });
      functions[op.fn] = fn;
    }
    this.functions = functions as CrudMicroservice['functions'];
  }

  private cognitoAuthorizer(p: CrudMicroserviceParameters): { authorizer: apigwv2.IHttpRouteAuthorizer; pool: cognito.UserPool } {
    const pool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      mfa: p.mfa === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
    });
    const client = pool.addClient('Api', { authFlows: { userSrp: true, user: true }, generateSecret: false, preventUserExistenceErrors: true });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason: 'Threat protection (advanced security) needs the Plus feature plan, billed per monthly active user; the pool runs on Essentials, with admin-created users only (no self sign-up).',
    });
    if (p.mfa === 'optional') {
      Validations.of(pool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason: 'MFA is the mfa parameter: optional TOTP by default so a first user can sign in to try the API; set mfa: required for production.',
      });
    }
    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId, description: 'crud-microservice: Cognito user pool (create users with admin-create-user)' });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId, description: 'crud-microservice: app client id (the token audience)' });
    return { authorizer: new HttpUserPoolAuthorizer('Cognito', pool, { userPoolClients: [client] }), pool };
  }
}

export class CrudMicroserviceStack extends Stack {
  readonly service: CrudMicroservice;
  constructor(scope: Construct, id: string, props: PatternStackProps<CrudMicroserviceParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'crud-microservice: HTTP API CRUD over DynamoDB with a JWT authorizer (platform-delivery)',
    });
    this.service = new CrudMicroservice(this, 'Service', { parameters: props.parameters });
  }
}
