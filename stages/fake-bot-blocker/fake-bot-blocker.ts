import { ArnFormat, Aws, CfnOutput, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { alarmAtOne, alarmOnLogMessages, notificationTopic } from '../shared/alarms';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { stackIdSuffix } from '../shared/names';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { dataTable } from '../shared/tables';
import type { FakeBotBlockerParameters } from './parameters';

/** WAF sends logs only to Firehose streams (and buckets, log groups) whose names start with this. */
export const WAF_LOG_PREFIX = 'aws-waf-logs-';

/** The User-Agent words the block rule and the processor look for, lowercased. */
export const CRAWLER_WORDS = ['google', 'bing'] as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/**
 * A web ACL that blocks requests claiming to be Googlebot or Bingbot from addresses proven not to
 * be, learned from its own logs: WAF → Firehose (`aws-waf-logs-…`) → Go processor → S3. The
 * processor verifies each claim by reverse and forward DNS and adds impostors to the IP sets the
 * block rule reads.
 */
export class FakeBotBlocker extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly ipSets: { readonly v4: wafv2.CfnIPSet; readonly v6: wafv2.CfnIPSet };
  readonly processor: PatternFunction;
  readonly stream: firehose.CfnDeliveryStream;

  constructor(scope: Construct, id: string, props: { parameters: FakeBotBlockerParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'fake-bot-blocker: WAF logs, log stream, verdicts and function logs');
    const alarms = notificationTopic(this, 'Alarms', key, 'fake-bot-blocker alarms', p.notifyEmail);

    // A set holds one address family; the processor adds /32s to one and /128s to the other.
    const ipSet = (family: 'IPV4' | 'IPV6') =>
      new wafv2.CfnIPSet(this, `Impostors${family === 'IPV4' ? 'V4' : 'V6'}`, {
        scope: p.scope,
        ipAddressVersion: family,
        addresses: [],
        description: `fake-bot-blocker: ${family === 'IPV4' ? 'IPv4' : 'IPv6'} addresses whose crawler User-Agent failed reverse and forward DNS, written by the processor`,
      });
    this.ipSets = { v4: ipSet('IPV4'), v6: ipSet('IPV6') };

    const userAgentContains = (word: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { singleHeader: { Name: 'user-agent' } },
        positionalConstraint: 'CONTAINS',
        searchString: word,
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'BlockFakeCrawlers',
        priority: 0,
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              { orStatement: { statements: CRAWLER_WORDS.map(userAgentContains) } },
              { orStatement: { statements: [this.ipSets.v4, this.ipSets.v6].map((set) => ({ ipSetReferenceStatement: { arn: set.attrArn } })) } },
            ],
          },
        },
        visibilityConfig: visibility('BlockFakeCrawlers'),
      },
      {
        name: 'AWSManagedRulesCommonRuleSet',
        priority: 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: visibility('AWSManagedRulesCommonRuleSet'),
      },
    ];
    if (p.botControl)
      rules.push({
        name: 'AWSManagedRulesBotControlRuleSet',
        priority: 2,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesBotControlRuleSet',
            managedRuleGroupConfigs: [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: 'COMMON' } }],
          },
        },
        visibilityConfig: visibility('AWSManagedRulesBotControlRuleSet'),
      });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: p.scope,
      defaultAction: { allow: {} },
      description: 'fake-bot-blocker: blocks impostor Googlebot/Bingbot, plus the AWS common rule set',
      rules,
      visibilityConfig: visibility('FakeBotBlocker'),
    });

    const verdicts = dataTable(this, 'Verdicts', { partitionKey: 'ip', key, timeToLiveAttribute: 'expiresAt' });
    // CfnIPSet's Ref is "name|id|scope".
    const nameAndId = (set: wafv2.CfnIPSet) => ({ name: Fn.select(0, Fn.split('|', set.ref)), id: set.attrId });
    const v4 = nameAndId(this.ipSets.v4);
    const v6 = nameAndId(this.ipSets.v6);
    this.processor = new PatternFunction(this, 'Processor', {
      entry: 'fake-bot-blocker/processor',
      description: 'fake-bot-blocker: WAF logs through Firehose; verifies crawler claims by DNS, adds impostors to the IP sets',
      // Firehose allows a processor up to 5 minutes; a batch makes at most 100 verifications, 16 at a time.
      timeout: Duration.seconds(90),
      memorySize: 256,
      logRetention: p.logRetentionDays,
      key,
      environment: {
        WAF_SCOPE: p.scope,
        IPSET_V4_NAME: v4.name,
        IPSET_V4_ID: v4.id,
        IPSET_V6_NAME: v6.name,
        IPSET_V6_ID: v6.id,
        VERDICT_TABLE: verdicts.tableName,
        VERDICT_TTL_HOURS: String(p.verdictTtlHours),
      },
      noVpcReason: 'Resolves public DNS and calls the WAFv2 API, which has no VPC endpoint: inside a VPC it would need a NAT gateway in every account and Region.',
      noDeadLetterReason:
        "Invoked synchronously by Firehose as its record processor: records it fails on are retried by Firehose and then written under the log bucket's errors/ prefix. A DLQ catches asynchronous invocations only.",
    });
    this.processor.role.addToPolicy(new iam.PolicyStatement({ actions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'], resources: [this.ipSets.v4.attrArn, this.ipSets.v6.attrArn] }));
    verdicts.grant(this.processor.role, 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem');
    key.grant(this.processor.role, 'kms:GenerateDataKey');

    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    const logBucket = dataBucket(this, 'WafLogs', { key, accessLogs, accessLogsPrefix: 'waf-logs/' });
    logBucket.addLifecycleRule({ id: 'expire-waf-logs', expiration: Duration.days(p.logExpireDays) });
    this.stream = this.logStream(key, logBucket, p.logRetentionDays);
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.stream.attrArn],
      // Credentials stay out of the logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    if (p.protectedResourceArn) new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: p.protectedResourceArn, webAclArn: this.webAcl.attrArn });

    alarmOnLogMessages(
      this,
      'IpSetFull',
      this.processor.fn.logGroup,
      ['ip set full'],
      'FakeBotBlocker',
      alarms,
      'fake-bot-blocker: an IP set holds 10,000 addresses; new impostors are not blocked (README: the IP set limit)',
    );
    alarmOnLogMessages(
      this,
      'IpSetUpdateFailed',
      this.processor.fn.logGroup,
      ['ip set update failed'],
      'FakeBotBlocker',
      alarms,
      'fake-bot-blocker: the processor could not update an IP set (they are retried on the next request)',
    );
    alarmOnLogMessages(
      this,
      'VerdictTableFailed',
      this.processor.fn.logGroup,
      ['verdict table read failed', 'verdict table write failed'],
      'FakeBotBlocker',
      alarms,
      'fake-bot-blocker: the verdict table failed; claims are verified by DNS again',
    );
    alarmAtOne(
      this,
      'ProcessorErrors',
      this.processor.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      alarms,
      "fake-bot-blocker: the processor failed; Firehose retries, then writes the records under the log bucket's errors/ prefix",
    );
    const freshness = new cloudwatch.Alarm(this, 'LogsNotDelivered', {
      alarmDescription: 'fake-bot-blocker: WAF logs older than 15 minutes wait in Firehose (S3 delivery failing)',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToS3.DataFreshness',
        dimensionsMap: { DeliveryStreamName: this.stream.ref },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 900,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    freshness.addAlarmAction(new cwActions.SnsAction(alarms));

    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn, description: 'Attach to a CloudFront distribution (WebACLId) when scope is CLOUDFRONT' });
    new CfnOutput(this, 'LogBucketName', { value: logBucket.bucketName });
  }

  /**
   * The Firehose stream WAF logs to, at the CloudFormation level: the L2 DeliveryStream grants
   * its roles wildcard actions (s3:Abort*, s3:DeleteObject*, kms:ReEncrypt*); this role holds the
   * actions Firehose documents for an S3 destination with a Lambda processor, and no others.
   */
  private logStream(key: kms.IKey, bucket: s3.IBucket, retention: logs.RetentionDays): firehose.CfnDeliveryStream {
    const logGroup = new logs.LogGroup(this, 'DeliveryLogs', { retention, encryptionKey: key });
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', { logGroup, logStreamName: 'S3Delivery' });
    const role = new iam.Role(this, 'LogStreamRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } } }),
      description: 'fake-bot-blocker: Firehose delivery of WAF logs to S3 through the processor',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        resources: [bucket.bucketArn, bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resources: [this.processor.fn.functionArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason: 'Firehose names its objects (waf-logs/YYYY/MM/DD/HH/…, errors/…) in this bucket only.',
    });
    const stream = new firehose.CfnDeliveryStream(this, 'LogStream', {
      // Unique per stack (the pipeline's copy and a catalog launch can share an account and Region).
      deliveryStreamName: `${WAF_LOG_PREFIX}fake-bot-blocker-${stackIdSuffix()}`,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: 'waf-logs/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 5 },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.processor.fn.functionArn },
                { parameterName: 'NumberOfRetries', parameterValue: '3' },
                { parameterName: 'BufferSizeInMBs', parameterValue: '1' },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
              ],
            },
          ],
        },
      },
    });
    // The stream must not start before its role may write.
    stream.node.addDependency(role);
    return stream;
  }
}

export class FakeBotBlockerStack extends Stack {
  readonly pattern: FakeBotBlocker;
  constructor(scope: Construct, id: string, props: PatternStackProps<FakeBotBlockerParameters>) {
    super(scope, id, {
      stackName: props.stackName,
      env: props.env,
      synthesizer: props.synthesizer,
      description: 'fake-bot-blocker: WAF web ACL that blocks impostor search crawlers (platform-delivery)',
    });
    this.pattern = new FakeBotBlocker(this, 'Pattern', { parameters: props.parameters });
  }
}
