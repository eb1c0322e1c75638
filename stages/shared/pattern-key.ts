import { Aws, Duration, RemovalPolicy, Stack, type IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IConstruct } from 'constructs';

const guarded = new WeakSet<kms.Key>();

/** Deny grants that are not for an AWS service (Control Tower CT.KMS.PR.3). Adds it once per key. */
export function denyNonServiceGrants(key: kms.Key): void {
  if (guarded.has(key)) return;
  guarded.add(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsNotForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'], // in a key policy "*" means this key
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}

/**
 * A customer-managed key with rotation, usable by CloudWatch Logs for this account's log groups.
 * Patterns encrypt what they store with such a key.
 */
export function patternKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'], // in a key policy "*" means this key
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }),
  );
  denyNonServiceGrants(key);
  return key;
}

/** Applies denyNonServiceGrants to every key in a scope, including those constructs generate. */
export class DenyNonServiceGrants implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof kms.Key) denyNonServiceGrants(node);
  }
}

/**
 * Lets an AWS service encrypt to and decrypt from resources under this key (an encrypted queue or
 * topic it delivers to), under the given conditions only.
 */
export function allowServiceToUseKey(key: kms.IKey, sid: string, service: string, conditions: Record<string, Record<string, unknown>>): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'], // in a key policy "*" means this key
      conditions,
    }),
  );
}

/**
 * Lets these EventBridge rules of the stack deliver to queues and topics under this key. The rule
 * ARNs are built from the names: referencing the rules would make the key depend on what it encrypts.
 */
export function allowEventBridgeRules(key: kms.IKey, sid: string, ruleNames: readonly string[]): void {
  const stack = Stack.of(key);
  const arns = ruleNames.map((name) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: name }));
  allowServiceToUseKey(key, sid, 'events.amazonaws.com', { ArnEquals: { 'aws:SourceArn': arns.length === 1 ? arns[0] : arns } });
}
