import { Aws, CfnParameter, Validations } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Construct } from 'constructs';

/**
 * What security and finance expect in every new account, as far as CloudFormation can express it:
 *  - a monthly cost budget that mails at 80 % actual and 100 % forecast spend;
 *  - an IAM Access Analyzer for the account (external access to its resources);
 *  - `platform-audit`, a read-only security-audit role the audit account can assume;
 *  - `platform-catalog-launch`, the local launch role of the self-service products: it may create
 *    roles only with the launched-role permissions boundary, and never attach admin-class policies.
 * Everything here is global to the account, so the catalog offers it in the home Region only.
 */
/** The local launch role name of the self-service products, created in every account by this product. */
export const LAUNCH_ROLE_NAME = 'platform-catalog-launch';
/** The permissions boundary every role of a self-service launch must carry (created by this product). */
export const LAUNCHED_ROLE_BOUNDARY_NAME = 'platform-catalog-launched-role-boundary';
/**
 * What the self-service patterns' roles may ever do: data-plane actions of their functions, queues,
 * topics, tables, keys, logs and network interfaces. No `service:*` (Control Tower CT.IAM.PR.3), and
 * nothing of IAM, Organizations or account. A test checks every product role's grants fit inside.
 */
export const LAUNCHED_ROLE_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:DescribeLogStreams',
  'sns:Publish',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:AbortMultipartUpload',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:DescribeKey',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'lambda:InvokeFunction',
  'events:PutEvents',
  'cloudwatch:PutMetricData',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
];
/** AWS managed policies that a product role may never get, whatever its boundary. */
const ADMIN_CLASS_POLICIES = ['AdministratorAccess', 'AdministratorAccess-*', 'IAMFullAccess', 'PowerUserAccess', 'AWSOrganizationsFullAccess'];

export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const email = new CfnParameter(this, 'BudgetEmail', { type: 'String', description: 'Where budget alerts go', allowedPattern: '^[^@\\s]+@[^@\\s]+$' });
    const limit = new CfnParameter(this, 'MonthlyBudgetUsd', { type: 'Number', default: 1000, minValue: 1, description: 'Monthly cost budget in USD' });
    const auditAccount = new CfnParameter(this, 'AuditAccountId', { type: 'String', allowedPattern: '^\\d{12}$', description: 'Account whose security team may assume platform-audit' });

    const subscribers = [{ subscriptionType: 'EMAIL', address: email.valueAsString }];
    new budgets.CfnBudget(this, 'MonthlyBudget', {
      budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: limit.valueAsNumber, unit: 'USD' } },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE' }, subscribers },
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
      ],
    });
    new accessanalyzer.CfnAnalyzer(this, 'AccessAnalyzer', { type: 'ACCOUNT', analyzerName: 'platform-account-analyzer' });

    const audit = new iam.Role(this, 'AuditRole', {
      roleName: 'platform-audit',
      description: 'Read-only security audit from the audit account',
      assumedBy: new iam.AccountPrincipal(auditAccount.valueAsString),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
      maxSessionDuration: undefined,
    });
    Validations.of(audit).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM4', reason: 'SecurityAudit is the AWS-maintained read-only audit policy; a copy would go stale as services are added.' });

    // Every role a self-service launch creates must carry this boundary, so no launch can grant
    // more than the patterns need, however its own policies are written.
    const boundary = new iam.ManagedPolicy(this, 'LaunchedRoleBoundary', {
      managedPolicyName: LAUNCHED_ROLE_BOUNDARY_NAME,
      description: 'Permissions boundary of every role a self-service product creates: the services the patterns use, no IAM, Organizations or account actions',
      statements: [
        new iam.PolicyStatement({
          sid: 'PatternDataPlane',
          actions: LAUNCHED_ROLE_ACTIONS,
          // A boundary caps what a role's own policies grant; it grants nothing itself.
          resources: ['*'],
        }),
      ],
    });
    Validations.of(boundary).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5',
      reason:
        "A permissions boundary grants nothing: it caps the roles self-service launches create to the data-plane actions the patterns use, on any of their resources (which are named per launch); each role's own policy names its resources.",
    });

    const launch = new iam.Role(this, 'LaunchRole', {
      roleName: LAUNCH_ROLE_NAME,
      description: 'Service Catalog launch role of the self-service serverless patterns',
      assumedBy: new iam.ServicePrincipal('servicecatalog.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
    });
    // Roles of provisioned products are named by CloudFormation after their stack, SC-<account>-pp-…
    const productRoles = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/SC-*`;
    const withBoundary = { StringEquals: { 'iam:PermissionsBoundary': boundary.managedPolicyArn } };
    launch.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ProductRolesOnlyWithTheBoundary',
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        resources: [productRoles],
        conditions: withBoundary,
      }),
    );
    launch.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ProductRolesReadTagDelete',
        actions: ['iam:DeleteRole', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:PassRole', 'iam:TagRole', 'iam:UntagRole', 'iam:ListRoleTags', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
        resources: [productRoles],
      }),
    );
    launch.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NoAdministratorPolicies',
        effect: iam.Effect.DENY,
        actions: ['iam:AttachRolePolicy'],
        resources: [productRoles],
        conditions: { ArnLike: { 'iam:PolicyARN': ADMIN_CLASS_POLICIES.map((name) => `arn:${Aws.PARTITION}:iam::aws:policy/${name}`) } },
      }),
    );
    launch.addToPolicy(
      new iam.PolicyStatement({
        sid: 'KeepTheBoundary',
        effect: iam.Effect.DENY,
        actions: ['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
        resources: [productRoles, boundary.managedPolicyArn],
      }),
    );
    Validations.of(launch).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4',
        reason:
          'Self-service patterns create resources of many services; PowerUserAccess (no IAM) is the maintained policy for that, and IAM is limited to SC-* roles that carry the launched-role boundary.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5',
        reason: 'IAM actions only on roles named SC-* that Service Catalog stacks create, and creating or changing one requires the launched-role permissions boundary.',
      },
    );
  }
}

/** account-baseline as a Service Catalog product. */
export class AccountBaselineProduct extends servicecatalog.ProductStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { description: 'account-baseline: budget, access analyzer, audit and launch roles' });
    new AccountBaseline(this, 'Baseline');
  }
}
