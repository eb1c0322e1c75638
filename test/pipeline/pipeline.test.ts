import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadConfigOrThrow } from '../../accounts/loader';
import { assemblyFacts, checkAssembly } from '../../pipeline/assembly-checks';
import { assemblyTemplates, summarizeChanges } from '../../pipeline/change-summary';
import { GUARD_PLUGIN_NAMES } from '../../pipeline/guards';
import { pipelineStackName, synthCommands, type DeliveryPipelineStack } from '../../pipeline/pipeline-stack';
import { TEMPLATE_BYTES } from '../../pipeline/quotas';
import { configFixture, replaceOnce, SAMPLE_DEV_PATTERNS } from '../support/config-fixture';
import { planOf } from '../support/plan';
import { deadLetterQueues, deadLetterQueuesWithoutAlarm, templateFiles } from '../support/dead-letter-alarms';
import { synthOrganization } from '../support/synth';

const PIPELINE_STACK_NAME = pipelineStackName('platform-delivery');

/** (action, resource) of every UseConnection grant in a template, sorted. */
function connectionGrants(t: Template): string[][] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((st: { Action: string | string[] }) => JSON.stringify(st.Action).includes('connections:UseConnection'))
    .flatMap((g: { Action: string | string[]; Resource: string }) => [g.Action].flat().map((a) => [a, g.Resource]))
    .sort();
}

interface PipelineStage {
  Name: string;
  Actions: Array<{ Name: string; RunOrder?: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, unknown> }>;
}

describe('the delivery pipeline for the sample organization (guards on, assets bundled)', () => {
  const dir = configFixture();
  let assembly: CloudAssembly;
  let outdir: string;
  let template: Template;
  let stages: PipelineStage[];
  let app: ReturnType<typeof synthOrganization>['app'];

  beforeAll(() => {
    ({ assembly, outdir, app } = synthOrganization(dir));
    template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${PIPELINE_STACK_NAME}.template.json`), 'utf8')));
    stages = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages;
  });

  it('is a V2 pipeline sourced from the configured connection, repository and branch', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2', Name: 'platform-delivery' });
    expect(stages[0].Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' },
      Configuration: {
        ConnectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000',
        FullRepositoryId: 'example-org/platform-delivery',
        BranchName: 'main',
      },
    });
  });

  it('runs synth, self-mutation and asset publishing before the waves, in order', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'platform', 'dev', 'prod']);
    // One action publishes every file asset, however many there are.
    expect(stages[3].Actions.map((a) => a.Name)).toEqual(['FileAssets']);
    expect(stages[2].Actions.map((a) => a.Name)).toEqual(['SelfMutate']);
  });

  it('the synth step installs Node, Go and Python, then runs the setup (npm ci and more), the tests, accounts:sync and cdk synth', () => {
    const projects = template.findResources('AWS::CodeBuild::Project');
    const [synthId, synth] = Object.entries(projects).find(([, p]) => JSON.stringify(p.Properties.Source.BuildSpec).includes('--emit-metrics'))!;
    const spec = JSON.parse(synth.Properties.Source.BuildSpec);
    expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: '22', golang: '1.24', python: '3.12' });
    const configPath = path.relative(path.join(__dirname, '..', '..'), dir);
    expect(spec.phases.build.commands).toEqual(['bash scripts/setup.sh', 'npm test', `npm run accounts:sync -- --config ${configPath}`, `npm run synth -- --config ${configPath} --emit-metrics`]);
    expect(synthCommands(configPath)).toEqual(spec.phases.build.commands);
    // accounts:sync reads the live organization with list calls only, so a vended account is in the next plan.
    const role = synth.Properties.ServiceRole['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(role));
    const organizations = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st: { Action: string | string[] }) => JSON.stringify(st.Action).includes('organizations:'));
    expect(organizations).toEqual([{ Effect: 'Allow', Action: expect.any(Array), Resource: '*' }]);
    expect([...organizations[0].Action].sort()).toEqual(['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListRoots']);
    expect(synthId).toBeDefined();
  });

  it('installs the CDK CLI and cdk-assets versions of the lock file in its privileged steps, never "latest"', () => {
    // A long buildspec (the one asset publisher's) is written beside the template and named by file.
    const specs = Object.values(template.findResources('AWS::CodeBuild::Project'))
      .map((p) => String(p.Properties.Source.BuildSpec))
      .map((b) => (/^buildspec-.*\.yaml$/.test(b) ? fs.readFileSync(path.join(assembly.directory, b), 'utf8') : b));
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package-lock.json'), 'utf8')).packages;
    const selfMutation = specs.filter((b) => b.includes('cdk -a'));
    expect(selfMutation.length).toBe(1);
    expect(selfMutation[0]).toContain(`npm install -g aws-cdk@${lock['node_modules/aws-cdk'].version}`);
    const publishing = specs.filter((b) => b.includes('cdk-assets'));
    expect(publishing.length).toBeGreaterThan(0);
    for (const b of publishing) expect(b).toContain(`npm install -g cdk-assets@${lock['node_modules/cdk-assets'].version}`);
    expect(specs.join('\n')).not.toMatch(/@latest|aws-cdk@2"/);
  });

  it('may use the CodeConnections connection under both its current and its legacy action name, on that connection only', () => {
    const connection = 'arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000';
    expect(connectionGrants(template)).toEqual([
      ['codeconnections:UseConnection', connection],
      ['codestar-connections:UseConnection', connection],
    ]);
  });

  it('gates prod, and only prod, behind a manual approval that runs before its deployments', () => {
    const prod = stages.find((s) => s.Name === 'prod')!;
    const approvals = prod.Actions.filter((a) => a.ActionTypeId.Category === 'Approval');
    expect(approvals.map((a) => [a.Name, a.RunOrder])).toEqual([['Approve-prod', 2]]);
    expect(Math.min(...prod.Actions.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder ?? 1))).toBeGreaterThan(1);
    expect(stages.find((s) => s.Name === 'dev')!.Actions.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
  });

  it('writes the change summary before the approval, and the approval links to it in the org-private summaries bucket', () => {
    const prod = stages.find((s) => s.Name === 'prod')!;
    const summary = prod.Actions.find((a) => a.Name === 'ChangeSummary-prod')!;
    expect(summary).toMatchObject({ RunOrder: 1, ActionTypeId: { Category: 'Build', Provider: 'CodeBuild' } });
    const projectId = (summary.Configuration!.ProjectName as { Ref: string }).Ref;
    const spec = JSON.parse(template.toJSON().Resources[projectId].Properties.Source.BuildSpec);
    expect(spec.phases.build.commands.at(-1)).toMatch(/^npm run change-summary -- --config \S+ --assembly cdk.out --wave prod --bucket \$SUMMARY_BUCKET --key change-summaries\/prod\/latest.txt$/);
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: { LogFilePrefix: 'change-summaries/' } } }));
    const approval = prod.Actions.find((a) => a.Name === 'Approve-prod')!;
    expect(JSON.stringify(approval.Configuration!.ExternalEntityLink)).toContain(bucketId);
    expect(JSON.stringify(approval.Configuration!.ExternalEntityLink)).toContain('change-summaries/prod/latest.txt');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': Match.stringLikeRegexp('^o-') } } })]) },
    });
  });

  it('runs in SUPERSEDED mode and rolls every wave stage back on failure, never the stages before the waves', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ExecutionMode: 'SUPERSEDED' });
    const raw = stages as unknown as Array<{ Name: string; OnFailure?: unknown; BeforeEntry?: unknown }>;
    expect(raw.map((s) => [s.Name, s.OnFailure ?? null])).toEqual([
      ['Source', null],
      ['Build', null],
      ['UpdatePipeline', null],
      ['Assets', null],
      ['platform', { Result: 'ROLLBACK' }],
      ['dev', { Result: 'ROLLBACK' }],
      ['prod', { Result: 'ROLLBACK' }],
    ]);
    expect(raw.filter((s) => s.BeforeEntry).map((s) => s.Name)).toEqual(['prod']);
  });

  it('lets prod enter only after dev baked (the bake gate function) and inside its window; the pipeline may invoke that function and nothing more', () => {
    const prod = stages.find((s) => s.Name === 'prod') as unknown as {
      BeforeEntry: { Conditions: Array<{ Result: string; Rules: Array<{ Name: string; RuleTypeId: { Provider: string }; Configuration: Record<string, unknown> }> }> };
    };
    const [condition] = prod.BeforeEntry.Conditions;
    expect(condition.Result).toBe('FAIL');
    const [bake, window] = condition.Rules;
    const [gateId] = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('bake gate') } }));
    expect(bake).toMatchObject({ Name: 'Bake-dev', RuleTypeId: { Provider: 'LambdaInvoke' }, Configuration: { FunctionName: { Ref: gateId } } });
    expect(JSON.parse(bake.Configuration.UserParameters as string)).toMatchObject({ wave: 'dev', stages: ['dev'], minutes: 60 });
    expect(window).toMatchObject({ Name: 'DeploymentWindow', RuleTypeId: { Provider: 'DeploymentWindow' }, Configuration: { Cron: '* * 9-14 ? * MON-THU *', TimeZone: 'Europe/London' } });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('bake gate'), Timeout: 900, Environment: { Variables: { PIPELINE_NAME: 'platform-delivery' } } });
    // The gate assumes exactly the lookup roles of the sampled dev accounts, in their Regions.
    const [gateRole] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('bake gate') } }));
    const assumed = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(gateRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: string | string[] }) => st.Action === 'sts:AssumeRole')
      .flatMap((st: { Resource: unknown }) => [st.Resource].flat());
    expect(assumed.filter((r) => JSON.stringify(r).includes('lookup-role'))).toEqual(
      ['444444444444', '555555555555'].flatMap((a) => ['eu-west-1', 'us-east-1'].map((r) => `arn:aws:iam::${a}:role/cdk-hnb659fds-lookup-role-${a}-${r}`)),
    );
    // The pipeline's role (which runs the entry rules) may invoke the gate.
    const invokes = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: string | string[] }) => [st.Action].flat().includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invokes)).toContain(gateId);
  });

  it('has every template the change summary pairs: its own stacks, each stage’s stack, each StackSet’s host stack and template', () => {
    const templates = assemblyTemplates(outdir, PIPELINE_STACK_NAME);
    const byDeployment = (id: string) => [...templates.values()].filter((t) => t.deployment === id).map((t) => t.name);
    expect(byDeployment('stackset-dev-data-lake').sort()).toEqual(['StackSet template', 'platform-delivery-dev-data-lake-stackset']);
    expect(byDeployment('sns-fifo-jobs-prod-eu-west-1')).toEqual(['pattern-sns-fifo-jobs']);
    expect([...templates.values()].filter((t) => t.name === 'StackSet template')).toHaveLength(SAMPLE_DEV_PATTERNS.length);
    for (const t of templates.values()) expect(fs.existsSync(t.file)).toBe(true);
    // A revision against itself changes nothing.
    const summary = summarizeChanges(templates, templates, planOf(dir));
    expect(summary).toEqual({ waves: [], unchanged: templates.size, totals: { added: 0, modified: 0, replaced: 0, removed: 0 } });
  });

  it('deploys each CDK Stage into its own account and Region, and each StackSet’s stack into the management account', () => {
    // A wave of one stage becomes a pipeline stage named after it; each stack deploys in one action.
    const deploys = stages.flatMap((s) => s.Actions.filter((a) => a.Name.endsWith('Deploy')).map((a) => (a.Name === 'Deploy' ? `${s.Name}.Deploy` : a.Name)));
    expect(deploys.sort()).toEqual(
      [
        'baseliner-management-us-east-1.platform-baseliner.Deploy',
        'catalog-management-us-east-1.platform-catalog.Deploy',
        'catalog-management-us-east-1.platform-catalog-assets.Deploy',
        ...['prod-us-east-1', 'prod-eu-west-1'].map((t) => `sns-fifo-jobs-${t}.pattern-sns-fifo-jobs.Deploy`),
        ...SAMPLE_DEV_PATTERNS.map((p) => `stackset-dev-${p}.platform-delivery-dev-${p}-stackset.Deploy`),
      ].sort(),
    );
    const stacks = assembly.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks);
    expect(stacks.map((s) => `${s.environment.account}/${s.environment.region}`).sort()).toEqual(
      [
        '111111111111/us-east-1',
        '111111111111/us-east-1',
        '111111111111/eu-west-1',
        // One StackSet stack per dev pattern, all in the management account and home Region.
        ...SAMPLE_DEV_PATTERNS.map(() => '111111111111/us-east-1'),
        '666666666666/us-east-1',
        '666666666666/eu-west-1',
      ].sort(),
    );
  });

  it('keeps every stage within 50 actions and matches the shape `npm run plan` predicts from its stand-in stages', () => {
    for (const s of stages) expect(s.Actions.length).toBeLessThanOrEqual(50);
    const facts = assemblyFacts(assembly);
    const predicted = planOf(dir);
    expect(facts.pipeline!.stages).toEqual(predicted.pipeline.map((s) => ({ name: s.name, actions: s.actions })));
    // The pipeline stack shaped itself from its real stages: the same shape.
    const pipelineStack = app.node.findChild(PIPELINE_STACK_NAME) as DeliveryPipelineStack;
    expect(pipelineStack.plan.pipeline).toEqual(predicted.pipeline);
    const estimate = predicted.quotas.find((q) => q.quota.startsWith('pipeline template bytes'))!.used;
    expect(Math.abs(estimate - facts.pipeline!.templateBytes) / facts.pipeline!.templateBytes).toBeLessThan(0.25);
    expect(checkAssembly(assembly, loadConfigOrThrow(dir).organization.quotas)).toEqual([]);
    expect(TEMPLATE_BYTES.perAction).toBeGreaterThan(0);
  });

  it('raises an alarm for every dead-letter queue of every template it deploys: stacks, StackSet templates, products', () => {
    let dlqs = 0;
    const unwatched: string[] = [];
    for (const file of templateFiles(outdir)) {
      const t = JSON.parse(fs.readFileSync(file, 'utf8'));
      dlqs += deadLetterQueues(t).length;
      unwatched.push(...deadLetterQueuesWithoutAlarm(t).map((q) => `${path.basename(file)}: ${q}`));
    }
    expect(unwatched).toEqual([]);
    // sns-fifo-jobs 5 × 4 (two prod stages, its StackSet template, its product), spice-refresh 3, the
    // baseliner, stream-ingestion, data-lake and content-aggregator 1 each.
    expect(dlqs).toBeGreaterThanOrEqual(27);
  });

  it('bundles every function locally: file assets only, no Docker image anywhere', () => {
    const manifests = [
      path.join(outdir, `${PIPELINE_STACK_NAME}.assets.json`),
      ...assembly.nestedAssemblies.flatMap((n) =>
        fs
          .readdirSync(n.nestedAssembly.directory)
          .filter((f) => f.endsWith('.assets.json'))
          .map((f) => path.join(n.nestedAssembly.directory, f)),
      ),
    ];
    let files = 0;
    for (const m of manifests) {
      const manifest = JSON.parse(fs.readFileSync(m, 'utf8'));
      expect(Object.keys(manifest.dockerImages ?? {})).toEqual([]);
      files += Object.keys(manifest.files ?? {}).length;
    }
    expect(files).toBeGreaterThan(0);
  });

  it('encrypts artifacts with a cross-account KMS key and hardens the artifact bucket', () => {
    const buckets = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true, LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }) } });
    expect(Object.keys(buckets)).toHaveLength(1);
    const artifacts = Object.values(buckets)[0].Properties;
    expect(artifacts.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(artifacts.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('sends failures and approval requests to a KMS-encrypted topic with the notify emails subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform-team@example.com' });
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: Match.arrayWith(['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-manual-approval-needed']),
    });
  });

  it('passed every guard: no findings, and every acknowledgement carries its reason', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    for (const plugin of report.pluginReports) {
      expect([plugin.pluginName, plugin.violations]).toEqual([plugin.pluginName, []]);
      for (const s of plugin.suppressedViolations ?? []) expect(s.reason?.length).toBeGreaterThan(20);
    }
    const names = report.pluginReports.map((p: { pluginName: string }) => p.pluginName);
    expect(GUARD_PLUGIN_NAMES.filter((n) => names.includes(n)).length).toBeGreaterThanOrEqual(2);
    // 21 stacks (pipeline, its cross-Region support stack, catalog and its eu-west-1 asset stack,
    // baseliner, fourteen StackSet stacks, two prod copies), 4 current product templates (cdk-bootstrap,
    // account-baseline, sns-fifo-jobs, privatelink-lambda), the 2 released account-baseline versions
    // (asset.<hash>.json) and fourteen StackSet templates, all distinct.
    const templates = 7 + 2 * SAMPLE_DEV_PATTERNS.length + 4 + 2;
    expect(report.pluginReports.find((p: { pluginName: string }) => p.pluginName === 'cdk-validator-cfnguard').metadata.distinctTemplates).toBe(`${templates} of ${templates}`);
    expect(templates).toBe(41);
  });
});

describe('a connection ARN of the older codestar-connections form', () => {
  it('is granted under both action names too', () => {
    const legacy = 'arn:aws:codestar-connections:us-east-1:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000';
    const dir = configFixture({ 'organization.yaml': replaceOnce('connectionArn: arn:aws:codeconnections:', 'connectionArn: arn:aws:codestar-connections:') });
    const { outdir } = synthOrganization(dir, { 'aws:cdk:bundling-stacks': [], guards: false });
    const t = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${PIPELINE_STACK_NAME}.template.json`), 'utf8')));
    expect(connectionGrants(t)).toEqual([
      ['codeconnections:UseConnection', legacy],
      ['codestar-connections:UseConnection', legacy],
    ]);
  });
});

describe('cdk synth on a bad config', () => {
  const root = path.join(__dirname, '..', '..');
  /** Runs the CDK app as `cdk synth -c config=DIR` would, into an empty output folder. */
  const synthProcess = (config: string) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-synth-'));
    const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'pipeline', 'app.ts')], {
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config }), CDK_OUTDIR: outdir },
    });
    return { ...result, outdir };
  };

  it('prints every error, exits 1 without a stack trace, and writes nothing', () => {
    const bad = configFixture({
      'organization.yaml': replaceOnce('id: "444444444444"', 'id: "4444444444444"'),
      'delivery.yaml': replaceOnce('approval: true', 'approval: yes-please'),
    });
    const result = synthProcess(bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        '2 configuration errors:',
        `  ${bad}/organization.yaml: accounts[3].id: account id "4444444444444" has 13 digits (an account id is exactly 12 digits, quoted, e.g. "012345678901")`,
        `  ${bad}/delivery.yaml: waves[2].approval: expected boolean, got string "yes-please"`,
        '',
      ].join('\n'),
    );
    expect(fs.readdirSync(result.outdir)).toEqual([]);
  });

  it('refuses a config folder outside the repository, which the pipeline’s synth step could not find', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    for (const f of ['organization.yaml', 'delivery.yaml']) fs.copyFileSync(path.join(configFixture(), f), path.join(outside, f));
    const result = synthProcess(outside);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `1 configuration error:\n  ${outside}: the config directory is outside the repository (${root}): the pipeline synthesizes from a clone of the repository and would not find it (put it inside the repository, for example as ./my-org, and pass -c config=my-org)\n`,
    );
    expect(fs.readdirSync(result.outdir)).toEqual([]);
  });
});
