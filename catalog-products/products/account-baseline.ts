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
 *  - `platform-catalog-launch`, the local launch role of the self-service products.
 */
/** The local launch role name of the self-service products, created in every account by this product. */
export const LAUNCH_ROLE_NAME = 'platform-catalog-launch';

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

    const launch = new iam.Role(this, 'LaunchRole', {
      roleName: LAUNCH_ROLE_NAME,
      description: 'Service Catalog launch role of the self-service serverless patterns',
      assumedBy: new iam.ServicePrincipal('servicecatalog.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
    });
    launch.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PassRole', 'iam:TagRole', 'iam:UntagRole', 'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        // Roles of provisioned products are named by CloudFormation after their stack, SC-<account>-pp-…
        resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/SC-*`],
      }),
    );
    Validations.of(launch).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM4', reason: 'Self-service patterns create resources of many services; PowerUserAccess (no IAM) is the maintained policy for that, and IAM is limited to SC-* roles.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'IAM actions only on roles named SC-* that Service Catalog stacks create.' },
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
