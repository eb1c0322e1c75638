import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnResource, Stack, Stage, Validations, type IPolicyValidationContext, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { PatternFunction } from '../../stages/shared/pattern-function';
import { newApp } from '../../pipeline/app-context';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { addGuards, ControlTowerGuard, DistinctStackChecks, StackScopedAwsSolutionsChecks, DistinctTemplates, groupDistinctTemplates, RuleLevelAcknowledgements } from '../../pipeline/guards';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guards-'));
}

/** A queue with a property typo and no encryption or DLQ: every guard has something to say. */
function badStack(scope: Stage | ReturnType<typeof newApp>, id: string, account: string) {
  const stack = new Stack(scope, id, { env: { account, region: 'us-east-1' } });
  new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 'soon' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  return stack;
}

/** What synth threw, as text ('' when it did not throw). */
function synthError(app: ReturnType<typeof newApp>): string {
  try {
    app.synth();
    return '';
  } catch (err) {
    return String(err);
  }
}

describe('the guards', () => {
  it('fail synth on findings of CloudFormation schema, Control Tower and cdk-nag', () => {
    const app = newApp({}, tmp());
    badStack(app, 'Bad', '111111111111');
    addGuards(app);
    const message = synthError(app);
    expect(message).toContain("VisibilityTimeout: 'soon' is not of type 'integer' (CloudFormation Validate)");
    expect(message).toContain('[CT.SQS.PR.2]: Require any Amazon SQS queue to have encryption at rest configured (cdk-validator-cfnguard)');
    expect(message).toContain('The IAM entity contains wildcard permissions');
    expect(message).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-IAM5[Resource::*]'");
  });

  it('validate every version a Service Catalog product offers, released ones (file assets, asset.<hash>.json) included', () => {
    const outdir = tmp();
    const app = newApp({}, outdir);
    const stack = new Stack(app, 'Catalog', { env: { account: '111111111111', region: 'us-east-1' } });
    const released = path.join(tmp(), 'queue.v1.template.json');
    fs.writeFileSync(released, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } } }));
    new servicecatalog.CloudFormationProduct(stack, 'Product', {
      productName: 'queue',
      owner: 'platform',
      productVersions: [{ productVersionName: 'v1', cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromAsset(released) }],
    });
    addGuards(app);
    const message = synthError(app);
    expect(message).toMatch(/asset\.[0-9a-f]{64}\.json/);
    expect(message).toContain("VisibilityTimeout: 'soon' is not of type 'integer' (CloudFormation Validate)");
    expect(message).toContain('[CT.SQS.PR.2]');
  });

  it('run cdk-nag Serverless too: a function with no DLQ and no tracing fails synth', () => {
    const app = newApp({}, tmp());
    const stack = new Stack(app, 'Fn', { env: { account: '111111111111', region: 'us-east-1' } });
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
    addGuards(app);
    const message = synthError(app);
    expect(message).toContain("Acknowledge with 'Serverless::Serverless-LambdaDLQ'");
    expect(message).toContain('The Lambda function does not have a dead letter target configured. (Serverless)');
  });

  it('make every PatternFunction have a DLQ or say why it needs none', () => {
    const stack = new Stack(newApp({ 'aws:cdk:bundling-stacks': [] }, tmp()), 'P', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key');
    const props = { entry: 'sns-fifo-jobs/publisher/index.ts', description: 'x', logRetention: 365, key, noVpcReason: 'test' } as const;
    expect(() => new PatternFunction(stack, 'NoReason', props)).toThrow(/P\/NoReason: give the function a deadLetterQueue, or say in noDeadLetterReason why it needs none/);
    expect(() => new PatternFunction(stack, 'Sync', { ...props, noDeadLetterReason: 'invoked synchronously by a test' })).not.toThrow();
  });

  it('can be switched off for measuring (-c guards=false)', () => {
    const app = newApp({ guards: false }, tmp());
    badStack(app, 'Bad', '111111111111');
    addGuards(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('accept an acknowledgement with a reason, and report it as such', () => {
    const outdir = tmp();
    const app = newApp({}, outdir);
    const stack = new Stack(app, 'Ok', { env: { account: '111111111111', region: 'us-east-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'test: any bucket, on purpose' });
    addGuards(app);
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const nag = report.pluginReports.find((p: { pluginName: string }) => p.pluginName === 'AwsSolutions');
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.map((v: { ruleName: string; reason: string }) => [v.ruleName, v.reason])).toEqual([['AwsSolutions-IAM5', 'test: any bucket, on purpose']]);
  });
});

describe('DistinctTemplates', () => {
  /** Three copies of one stage (two accounts, same Region) and one in another Region. */
  function copies() {
    const app = newApp({ guards: false }, tmp());
    const targets = [
      ['a', '444444444444', 'us-east-1'],
      ['b', '555555555555', 'us-east-1'],
      ['c', '666666666666', 'us-east-1'],
      ['d', '444444444444', 'eu-west-1'],
    ];
    for (const [name, account, region] of targets) {
      const stage = new Stage(app, `pattern-${name}-${region}`, { env: { account, region } });
      const stack = new Stack(stage, 'Pattern');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal(stack.account) });
      new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { QueueName: `q-${stack.account}` } });
      void role;
    }
    const asm = app.synth();
    return asm.nestedAssemblies
      .flatMap((n) => n.nestedAssembly.stacks)
      .map((s) => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: s.environment.account, region: s.environment.region }));
  }

  it('groups copies that differ only by account and stage name, per Region', () => {
    const groups = groupDistinctTemplates(copies());
    expect([...groups.entries()].map(([rep, all]) => [rep.stackConstructPath, all.length])).toEqual([
      ['pattern-a-us-east-1/Pattern', 3],
      ['pattern-d-eu-west-1/Pattern', 1],
    ]);
  });

  it('validates each distinct template once and reports a finding on every copy', () => {
    const stacks = copies();
    const seen: string[][] = [];
    const inner = {
      name: 'probe',
      validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
        seen.push(context.templatePaths);
        return {
          success: false,
          violations: context.templatePaths.map((templatePath) => ({
            ruleName: 'probe-rule',
            description: 'queue found',
            violatingResources: [{ resourceLogicalId: 'Queue', templatePath, locations: ['Properties'] }],
          })),
        };
      },
    };
    const report = new DistinctTemplates(inner).validate({ templatePaths: stacks.map((s) => s.templatePath), stackTemplates: stacks } as unknown as IPolicyValidationContext);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(2);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => r.templatePath)).sort()).toEqual(stacks.map((s) => s.templatePath).sort());
    expect(report.metadata).toEqual({ distinctTemplates: '2 of 4' });
  });
});

describe('DistinctStackChecks', () => {
  it('checks one stack per distinct template with cdk-nag and reports each finding on every copy', () => {
    const app = newApp({ guards: false }, tmp());
    // Stages below a stack, as CDK Pipelines puts them below the pipeline stack.
    const parent = new Stack(app, 'Parent', { env: { account: '111111111111', region: 'us-east-1' } });
    new iam.Role(parent, 'ParentRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    for (const [name, account, region] of [
      ['a', '444444444444', 'us-east-1'],
      ['b', '555555555555', 'us-east-1'],
      ['d', '444444444444', 'eu-west-1'],
    ]) {
      const stage = new Stage(parent, `pattern-${name}-${region}`, { env: { account, region } });
      const stack = new Stack(stage, 'Pattern');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    }
    const asm = app.synth();
    const stackTemplates = [asm.getStackByName('Parent'), ...asm.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks)].map((s) => ({
      stackConstructPath: s.hierarchicalId,
      templatePath: s.templateFullPath,
      accountId: s.environment.account,
      region: s.environment.region,
    }));
    const nag = new StackScopedAwsSolutionsChecks(app);
    const walked: string[] = [];
    const validateStack = nag.validateStack.bind(nag);
    nag.validateStack = (stack) => {
      walked.push(stack.node.path);
      return validateStack(stack);
    };
    const report = new DistinctStackChecks(nag).validate({ appConstruct: app, templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates });
    expect(walked).toEqual(['Parent', 'Parent/pattern-a-us-east-1/Pattern', 'Parent/pattern-d-eu-west-1/Pattern']);
    const iam5 = report.violations.find((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))!;
    // Each role once: the parent's walk does not report the stages' resources again.
    expect(iam5.violatingResources.map((r) => r.constructPath).sort()).toEqual([
      'Parent/ParentRole/DefaultPolicy/Resource',
      ...['pattern-a-us-east-1', 'pattern-b-us-east-1', 'pattern-d-eu-west-1'].map((s) => `Parent/${s}/Pattern/Role/DefaultPolicy/Resource`),
    ]);
    expect(report.success).toBe(false);
    expect(report.metadata).toEqual({ distinctStacks: '3 of 4' });
  });
});

describe('RuleLevelAcknowledgements', () => {
  it('applies a bare rule acknowledgement to that rule’s findings below the construct, and only those', () => {
    const app = newApp({ guards: false }, tmp());
    const stack = new Stack(app, 'S');
    const covered = new iam.Role(stack, 'Covered', { assumedBy: new iam.AccountRootPrincipal() });
    new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    Validations.of(covered).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'generated' });
    const finding = (p: string) => ({ constructPath: p, locations: ['Properties'] });
    const inner = {
      name: 'AwsSolutions',
      validate: (): PolicyValidationPluginReport => ({
        success: false,
        violations: [
          { ruleName: 'AwsSolutions-IAM5[Resource::*]', description: 'wildcard', violatingResources: [finding('S/Covered/DefaultPolicy/Resource'), finding('S/Other/DefaultPolicy/Resource')] },
          { ruleName: 'AwsSolutions-IAM4[Policy::x]', description: 'managed', violatingResources: [finding('S/Covered/Resource')] },
        ],
      }),
    };
    const report = new RuleLevelAcknowledgements(inner).validate({ appConstruct: app } as unknown as IPolicyValidationContext);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([
      ['AwsSolutions-IAM5[Resource::*]', ['S/Other/DefaultPolicy/Resource']],
      ['AwsSolutions-IAM5', ['S/Covered/DefaultPolicy/Resource']],
      ['AwsSolutions-IAM4[Policy::x]', ['S/Covered/Resource']],
    ]);
  });
});

describe('ControlTowerGuard', () => {
  const guard = new ControlTowerGuard();

  it('selects the rule files that name a resource type of the templates', () => {
    const rules = guard
      .rulesFor(new Set(['AWS::SQS::Queue']))
      .map((f) => path.basename(f))
      .sort();
    expect(rules).toEqual(expect.arrayContaining(['ct-sqs-pr-1.guard', 'ct-sqs-pr-2.guard']));
    expect(rules.every((r) => !r.startsWith('ct-rds'))).toBe(true);
    expect(guard.rulesFor(new Set(['AWS::CDK::Metadata']))).toEqual([]);
  });

  it('finds exactly what the full Control Tower rule set finds', () => {
    const app = newApp({ guards: false }, tmp());
    const stack = badStack(app, 'Bad', '111111111111');
    const templatePath = app.synth().getStackArtifact(stack.artifactId).templateFullPath;
    const context = { templatePaths: [templatePath] } as unknown as IPolicyValidationContext;
    const names = (r: PolicyValidationPluginReport) => r.violations.map((v) => `${v.ruleName}:${v.violatingResources.map((x) => x.resourceLogicalId).join(',')}`).sort();
    const full = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context) as PolicyValidationPluginReport;
    expect(names(full).length).toBeGreaterThan(0);
    expect(names(guard.validate(context))).toEqual(names(full));
  });
});
