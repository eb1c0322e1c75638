/**
 * StackSet delivery: the StackSet resource, its environment-agnostic template, where its code is
 * published and read from, and what happens when Control Tower vends an account.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfigOrThrow } from '../../accounts/loader';
import { newApp } from '../../pipeline/app-context';
import { createDeploymentStage } from '../../pipeline/deployment-stages';
import { organizationContext } from '../../pipeline/organization-context';
import type { PlannedDeployment, PlannedStackSet } from '../../pipeline/planner';
import { StackSetStage } from '../../pipeline/stackset/stackset-stage';
import { STACKSET_TEMPLATE_SUFFIX } from '../../pipeline/stackset/synthesizers';
import { REGISTRY } from '../../pipeline/registry';
import { PatternStage } from '../../stages/pattern-stage';
import { allowedRegions, REQUIRED_PARAMETERS, workloadPatterns } from '../../bench/organizations';
import { configFixture, FIXTURES_DIR, replaceOnce } from '../support/config-fixture';
import { draftOf } from '../support/plan';

const deploymentsOf = (dir: string) => draftOf(dir).draft!.waves.flatMap((w) => w.deployments);

/** Synthesizes one deployment's stage on its own, bundling skipped (the pipeline test bundles for real). */
function synthDeployment(dir: string, d: PlannedDeployment) {
  const outdir = fs.mkdtempSync(path.join(FIXTURES_DIR, 'stackset-'));
  const app = newApp({ 'aws:cdk:bundling-stacks': [] }, outdir);
  const stage = createDeploymentStage(app, d, REGISTRY, organizationContext(loadConfigOrThrow(dir)));
  const assembly = stage.synth();
  return { stage, assembly, directory: assembly.directory };
}

function stackSetOf(dir: string, id: string) {
  const d = deploymentsOf(dir).find((x) => x.id === id) as PlannedStackSet;
  const { stage, directory } = synthDeployment(dir, d);
  const host = (stage as StackSetStage).host;
  const template = Template.fromStack(host);
  const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0].Properties;
  const templateFile = (stage as StackSetStage).template.synthesizedTemplate().file;
  expect(templateFile.endsWith(STACKSET_TEMPLATE_SUFFIX)).toBe(true);
  const body = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const manifests = fs.readdirSync(directory).filter((f) => f.endsWith('.json') && f.includes('assets'));
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(directory, f), 'utf8'));
  return {
    d,
    host,
    stage,
    directory,
    stackSet,
    body,
    templateFile,
    regional: read(manifests.find((f) => f.endsWith('.stackset-assets.json'))!),
    own: read(manifests.find((f) => !f.endsWith('.stackset-assets.json'))!),
  };
}

describe('the StackSet of sns-fifo-jobs in the sample’s dev wave', () => {
  const dir = configFixture();
  const { stage, directory, stackSet, body, templateFile, regional, own } = stackSetOf(dir, 'stackset-dev-sns-fifo-jobs');

  it('is service-managed, auto-deployed to the OU, administered by the management account in the home Region', () => {
    expect(stage.account).toBe('111111111111');
    expect(stage.region).toBe('us-east-1');
    expect(stackSet).toMatchObject({
      StackSetName: 'platform-delivery-dev-sns-fifo-jobs',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-44444444'] }, Regions: ['us-east-1', 'eu-west-1'] }],
      OperationPreferences: { MaxConcurrentPercentage: 50, FailureTolerancePercentage: 10, RegionConcurrencyType: 'PARALLEL', ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
    });
    // No account list: the OU is the target, and accounts that join it later get the pattern.
    expect(JSON.stringify(stackSet.StackInstancesGroup)).not.toMatch(/\d{12}/);
  });

  it('reads its template from the administrator’s bootstrap bucket, where the host publishes it', () => {
    const url = stackSet.TemplateURL['Fn::Sub'] as string;
    const [, hash] = /cdk-hnb659fds-assets-111111111111-us-east-1\/([0-9a-f]{64})\.json$/.exec(url)!;
    // The template is written once, in a stage of its own that names no wave; each wave's host publishes that file.
    expect(own.files[hash].source).toEqual({ path: path.relative(directory, templateFile), packaging: 'file' });
    expect(path.basename(path.dirname(templateFile))).toMatch(/^assembly-.*stackset-template-sns-fifo-jobs$/);
    expect(Object.values(own.files[hash].destinations)).toEqual([expect.objectContaining({ bucketName: 'cdk-hnb659fds-assets-111111111111-us-east-1', region: 'us-east-1' })]);
  });

  it('points every function at the asset bucket of the Region it runs in, and publishes its code to each of the StackSet’s Regions', () => {
    const functions = Object.values(body.Resources as Record<string, { Type: string; Properties: { Code?: { S3Bucket: unknown; S3Key: string } } }>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Properties.Code!.S3Bucket).toEqual({ 'Fn::Sub': 'platform-catalog-assets-111111111111-${AWS::Region}' });
      const [, hash] = /^stackset\/([0-9a-f]{64})\.zip$/.exec(fn.Properties.Code!.S3Key)!;
      expect(Object.values(regional.files[hash].destinations)).toEqual(
        ['us-east-1', 'eu-west-1'].map((region) => ({
          bucketName: `platform-catalog-assets-111111111111-${region}`,
          objectKey: `stackset/${hash}.zip`,
          region,
          assumeRoleArn: `arn:\${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-${region}`,
        })),
      );
    }
  });
});

describe('one template per pattern and parameters, promoted wave after wave', () => {
  it('gives two waves with the same parameters the same template file, and a wave with other parameters its own', () => {
    const dir = configFixture({
      'delivery.yaml': (s) =>
        s.replace(
          '  - name: prod\n',
          '  - name: staging\n    targets: [{ organizationalUnits: [Sandbox], regions: [us-east-1] }]\n    patterns: [sns-fifo-jobs, { id: stream-ingestion, parameters: { shards: 2 } }]\n  - name: prod\n',
        ),
    });
    const outdir = fs.mkdtempSync(path.join(FIXTURES_DIR, 'stackset-'));
    const app = newApp({ 'aws:cdk:bundling-stacks': [] }, outdir);
    const org = organizationContext(loadConfigOrThrow(dir));
    const byId = new Map(deploymentsOf(dir).map((d) => [d.id, d]));
    const stage = (id: string) => createDeploymentStage(app, byId.get(id)!, REGISTRY, org) as StackSetStage;
    const [devJobs, stagingJobs, devStream, stagingStream] = ['stackset-dev-sns-fifo-jobs', 'stackset-staging-sns-fifo-jobs', 'stackset-dev-stream-ingestion', 'stackset-staging-stream-ingestion'].map(
      stage,
    );
    expect(stagingJobs.template).toBe(devJobs.template);
    expect(stagingJobs.template.synthesizedTemplate()).toEqual(devJobs.template.synthesizedTemplate());
    expect(stagingStream.template).not.toBe(devStream.template);
    expect(stagingStream.template.node.id).toBe('stackset-template-stream-ingestion-2');
  });
});

describe('StackSet options from the config', () => {
  it('administers from the delegated administrator (CallAs DELEGATED_ADMIN), with the wave’s preferences', () => {
    const dir = configFixture({
      'organization.yaml': (s) => `${s}stackSets: { delegatedAdministrator: "333333333333" }\n`,
      'delivery.yaml': replaceOnce(
        'stackSets: { maxConcurrentPercentage: 50, failureTolerancePercentage: 10 }',
        'stackSets: { maxConcurrentPercentage: 20, failureTolerancePercentage: 0, regionConcurrency: SEQUENTIAL, regionOrder: [eu-west-1, us-east-1], concurrencyMode: STRICT_FAILURE_TOLERANCE, retainStacksOnAccountRemoval: true }',
      ),
    });
    const { stage, stackSet, regional } = stackSetOf(dir, 'stackset-dev-stream-ingestion');
    expect(stage.account).toBe('333333333333');
    expect(stackSet).toMatchObject({
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      OperationPreferences: {
        MaxConcurrentPercentage: 20,
        FailureTolerancePercentage: 0,
        RegionConcurrencyType: 'SEQUENTIAL',
        RegionOrder: ['eu-west-1', 'us-east-1'],
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      },
    });
    // The code still goes to the management account's buckets, which the catalog creates.
    expect(JSON.stringify(regional)).toContain('platform-catalog-assets-111111111111-eu-west-1');
  });

  it('reaches named accounts through their OU with an account filter, and named accounts beside an OU with UNION', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce(
        'targets: [{ organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }]',
        'targets: [{ accounts: [dev], regions: [us-east-1], delivery: stackset }, { organizationalUnits: [Sandbox], accounts: [audit], regions: [eu-west-1] }]',
      ),
    });
    const { stackSet } = stackSetOf(dir, 'stackset-dev-sns-fifo-jobs');
    expect(stackSet.StackInstancesGroup).toEqual([
      { DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-44444444'], Accounts: ['444444444444'], AccountFilterType: 'INTERSECTION' }, Regions: ['us-east-1'] },
      { DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-66666666'], Accounts: ['333333333333'], AccountFilterType: 'UNION' }, Regions: ['eu-west-1'] },
    ]);
    expect(stackSet.AutoDeployment.Enabled).toBe(true);
  });
});

describe('every workload pattern in both delivery modes', () => {
  const patterns = workloadPatterns();
  // Prod in eu-west-1, or in us-east-1 for a pattern whose Region rule keeps it there (a CLOUDFRONT web ACL).
  const prodRegion = (p: string) => allowedRegions(p, ['eu-west-1', 'us-east-1'])[0];
  const pattern = (p: string, regions?: string[]) =>
    `{ id: ${p}${REQUIRED_PARAMETERS[p] ? `, parameters: ${JSON.stringify(REQUIRED_PARAMETERS[p])}` : ''}${regions ? `, regions: [${regions.join(', ')}]` : ''} }`;
  const dir = configFixture({
    'delivery.yaml': `waves:
  - name: platform
    targets: [{ accounts: [management], regions: [us-east-1] }]
    patterns: [catalog]
  - name: dev
    targets: [{ organizationalUnits: [Workloads/Dev], regions: [us-east-1] }]
    patterns: [${patterns.map((p) => pattern(p)).join(', ')}]
  - name: prod
    targets: [{ accounts: [prod], regions: [us-east-1, eu-west-1] }]
    patterns: [${patterns.map((p) => pattern(p, [prodRegion(p)])).join(', ')}]
`,
  });
  const deployments = deploymentsOf(dir);

  it.each(patterns)('%s: the StackSet template names no target account and no Region, only the asset account’s buckets and keys', (p) => {
    const { body } = stackSetOf(dir, `stackset-dev-${p}`);
    // CDK's own metadata resource carries a list of Regions where it is available; it is not ours to change.
    const { CDKMetadata: _m, ...resources } = body.Resources;
    const { CDKMetadataAvailable: _c, ...conditions } = body.Conditions ?? {};
    // A Region-keyed mapping (lambda-extensions: the AppConfig layer per Region) is how one template
    // serves every Region: its keys name Regions, and Fn::FindInMap picks by AWS::Region.
    const { Mappings: mappings, ...rest } = body;
    for (const mapping of Object.values((mappings ?? {}) as Record<string, object>)) expect(Object.keys(mapping).every((k) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(k))).toBe(true);
    const text = JSON.stringify({ ...rest, Resources: resources, Conditions: conditions });
    const targetAccounts = loadConfigOrThrow(dir)
      .organization.accounts.map((a) => a.id)
      .filter((id) => id !== '111111111111');
    for (const id of targetAccounts) expect(text).not.toContain(id);
    for (const region of loadConfigOrThrow(dir).organization.regions) expect(text).not.toContain(`"${region}"`);
    // The management account appears only as the owner of the asset buckets and their keys.
    expect(text.replace(/platform-catalog-assets-111111111111-\$\{AWS::Region\}/g, '').replace(/:111111111111:key\/\*/g, '')).not.toContain('111111111111');
  });

  it.each(patterns)('%s: as a CDK Stage, the same stack class deployed to the target account and Region', (p) => {
    const d = deployments.find((x) => x.id === `${p}-prod-${prodRegion(p)}`)!;
    const { stage } = synthDeployment(dir, d);
    expect(stage).toBeInstanceOf(PatternStage);
    const stack = (stage as PatternStage).stack;
    expect([stack.account, stack.region, stack.stackName]).toEqual(['666666666666', prodRegion(p), `pattern-${p}`]);
    const template = stackSetOf(dir, `stackset-dev-${p}`);
    expect(template.host.template.constructor).toBe(stack.constructor);
  });

  it('spice-refresh: in StackSet mode its Glue job may decrypt the script through S3, with the asset key found by alias', () => {
    const { body } = stackSetOf(dir, 'stackset-dev-spice-refresh');
    const statements = Object.values(body.Resources as Record<string, { Type: string; Properties: { PolicyDocument?: { Statement: Array<Record<string, unknown>> } } }>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument!.Statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':111111111111:key/*']] },
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/platform-catalog-assets' },
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      },
    });
  });
});

describe('an account vended into an OU', () => {
  // What accounts:sync (run by the pipeline's synth step) adds once Control Tower has vended the account.
  const vended = 'generatedBy: accounts:sync\ngeneratedAt: "2026-12-01T00:00:00Z"\naccounts:\n  - { name: dev-2, id: "777777777777", email: dev-2@example.com, ou: Workloads/Dev }\n';

  it('stackset mode: nothing in the pipeline changes; auto-deployment gives it the OU’s patterns', () => {
    const before = configFixture();
    const after = configFixture({ 'organization.generated.yaml': vended });
    const templates = (dir: string) =>
      deploymentsOf(dir)
        .filter((d) => d.kind === 'stackset')
        .map((d) => JSON.stringify(Template.fromStack((synthDeployment(dir, d).stage as StackSetStage).host).toJSON()));
    expect(templates(after)).toEqual(templates(before));
    const [jobsAfter] = deploymentsOf(after).filter((d): d is PlannedStackSet => d.kind === 'stackset');
    expect(jobsAfter.instances.filter((i) => i.accountId === '777777777777').map((i) => i.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('stages mode: the next pipeline run (the baseliner starts it after bootstrap) adds its stages', () => {
    const stagesDev = (s: string) =>
      replaceOnce('organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1] }', 'organizationalUnits: [Workloads/Dev], regions: [us-east-1, eu-west-1], delivery: stages }')(s);
    const before = deploymentsOf(configFixture({ 'delivery.yaml': stagesDev })).map((d) => d.id);
    const after = deploymentsOf(configFixture({ 'delivery.yaml': stagesDev, 'organization.generated.yaml': vended })).map((d) => d.id);
    expect(after.filter((id) => !before.includes(id))).toEqual([
      'sns-fifo-jobs-dev-2-us-east-1',
      'sns-fifo-jobs-dev-2-eu-west-1',
      'stream-ingestion-dev-2-us-east-1',
      'stream-ingestion-dev-2-eu-west-1',
      'mq-consumer-dev-2-us-east-1',
      'mq-consumer-dev-2-eu-west-1',
      'content-aggregator-dev-2-us-east-1',
      'spice-refresh-dev-2-us-east-1',
      'data-lake-dev-2-us-east-1',
      'crud-microservice-dev-2-us-east-1',
      'crud-microservice-dev-2-eu-west-1',
      'bundled-apps-dev-2-us-east-1',
      'image-optimizer-dev-2-us-east-1',
      'api-facade-dev-2-us-east-1',
      'lambda-extensions-dev-2-us-east-1',
      'lambda-extensions-dev-2-eu-west-1',
      'lambda-storage-dev-2-us-east-1',
      'fake-bot-blocker-dev-2-us-east-1',
      'iot-itsm-dev-2-us-east-1',
    ]);
  });
});
