import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfigOrThrow } from '../../accounts/loader';
import { CatalogStage } from '../../catalog-products/stage';
import { CatalogParameters } from '../../catalog-products/parameters';
import { currentProductTemplates } from '../../pipeline/cli/catalog-snapshot';
import { toolkitBootstrapVersion } from '../../catalog-products/products/cdk-bootstrap';
import { newApp } from '../../pipeline/app-context';
import { organizationContext } from '../../pipeline/organization-context';
import { PrivatelinkLambdaParameters } from '../../stages/privatelink-lambda/parameters';
import { PrivatelinkLambdaStack } from '../../stages/privatelink-lambda/privatelink-lambda';
import { SnsFifoJobsParameters } from '../../stages/sns-fifo-jobs/parameters';
import { SnsFifoJobsStack } from '../../stages/sns-fifo-jobs/sns-fifo-jobs';
import { configFixture, replaceOnce } from '../support/config-fixture';
import { evaluate, stackIdentity, type StackIdentity } from '../support/intrinsics';
import { draftOf, planOf } from '../support/plan';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
// Path metadata on, to compare product and stage resource by resource (their construct paths).
const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false, 'aws:cdk:enable-path-metadata': true }, outdir);
const org = organizationContext(loadConfigOrThrow(configFixture()));
const stage = new CatalogStage(app, 'catalog-management-us-east-1', {
  env: { account: org.managementAccount, region: org.homeRegion },
  target: { accountName: 'management', accountId: org.managementAccount, region: org.homeRegion },
  parameters: CatalogParameters.parse({}),
  organization: org,
});
const sns = new SnsFifoJobsStack(app, 'SnsFifoJobs', { parameters: SnsFifoJobsParameters.parse({}), env: { account: '444444444444', region: 'us-east-1' } });
const privatelink = new PrivatelinkLambdaStack(app, 'PrivatelinkLambda', { parameters: PrivatelinkLambdaParameters.parse({}), env: { account: '444444444444', region: 'us-east-1' } });
const assembly = app.synth();
const catalog = Template.fromStack(stage.catalog);
const productTemplate = (name: string) => {
  const stack = stage.catalog.node.findChild(`${name}Stack`) as unknown as { templateFile: string };
  const dir = assembly.nestedAssemblies.find((n) => n.nestedAssembly.directory.endsWith(stage.artifactId))!.nestedAssembly.directory;
  return JSON.parse(fs.readFileSync(path.join(dir, stack.templateFile), 'utf8'));
};

describe('the platform-baseline portfolio', () => {
  it('has its name, description and provider from config, TagOptions, and access for the baseliner roles', () => {
    catalog.hasResourceProperties('AWS::ServiceCatalog::Portfolio', { DisplayName: 'platform-baseline', ProviderName: 'Platform team', Description: Match.stringLikeRegexp('Baseline products') });
    catalog.hasResourceProperties('AWS::ServiceCatalog::TagOption', { Key: 'platform:environment', Value: 'prod' });
    catalog.hasResourceProperties('AWS::ServiceCatalog::PortfolioPrincipalAssociation', {
      PrincipalType: 'IAM_PATTERN',
      PrincipalARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam:::role/platform-baseliner-*']] },
    });
  });

  it('holds cdk-bootstrap, account-baseline (v3 current, v2 and v1 kept for what they provisioned), sns-fifo-jobs and privatelink-lambda', () => {
    const products = Object.values(catalog.findResources('AWS::ServiceCatalog::CloudFormationProduct')).map((p) => [
      p.Properties.Name,
      p.Properties.ProvisioningArtifactParameters.map((a: { Name: string }) => a.Name),
    ]);
    expect(products).toEqual([
      ['cdk-bootstrap', [`v${toolkitBootstrapVersion()}`]],
      ['account-baseline', ['v3', 'v2', 'v1']],
      ['sns-fifo-jobs', ['v1']],
      ['privatelink-lambda', ['v1']],
    ]);
  });

  it('deploys baseline products with StackSets through the Control Tower roles, to member accounts: cdk-bootstrap in every governed Region, account-baseline (global resources) in the home Region only', () => {
    const constraints = Object.values(catalog.findResources('AWS::ServiceCatalog::StackSetConstraint')).map((c) => c.Properties);
    expect(constraints).toHaveLength(2);
    for (const c of constraints) {
      expect(c).toMatchObject({
        AdminRole: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/service-role/AWSControlTowerStackSetRole']] },
        ExecutionRole: 'AWSControlTowerExecution',
        AccountList: ['222222222222', '333333333333', '444444444444', '555555555555', '666666666666'],
        StackInstanceControl: 'ALLOWED',
      });
    }
    const regionsOf = (product: string) => constraints.find((c) => JSON.stringify(c.ProductId).includes(product))!.RegionList;
    expect(regionsOf('CdkBootstrap')).toEqual(['us-east-1', 'eu-west-1']);
    expect(regionsOf('AccountBaseline')).toEqual(['us-east-1']);
  });

  it('deprecates account-baseline v1 and v2: found by name, then made inactive with guidance DEPRECATED', () => {
    const calls = Object.values(catalog.findResources('Custom::AWS')).map((r) => JSON.stringify(r.Properties.Create));
    for (const version of ['v1', 'v2']) {
      const lookup = calls.find((c) => c.includes('describeProvisioningArtifact') && c.includes(`\\"ProvisioningArtifactName\\":\\"${version}\\"`));
      expect(lookup).toBeDefined();
      const update = calls.find((c) => c.includes('updateProvisioningArtifact') && c.includes(`${version}:deprecated`));
      expect(update).toContain('\\"Active\\":false');
      expect(update).toContain('\\"Guidance\\":\\"DEPRECATED\\"');
      expect(update).toMatch(/DeprecateAccountBaselineV\dLookup[0-9A-F]{8}/);
    }
    expect(calls.filter((c) => c.includes('updateProvisioningArtifact'))).toHaveLength(2);
    expect(calls.some((c) => c.includes('updateProvisioningArtifact') && c.includes('v3'))).toBe(false);
  });

  it('launches self-service products locally with the launch role account-baseline creates', () => {
    catalog.hasResourceProperties('AWS::ServiceCatalog::LaunchRoleConstraint', { LocalRoleName: 'platform-catalog-launch' });
    const baseline = productTemplate('AccountBaseline');
    expect(Object.values(baseline.Resources).some((r) => (r as { Type: string; Properties?: { RoleName?: string } }).Properties?.RoleName === 'platform-catalog-launch')).toBe(true);
  });

  it('is shared with the organization through the smallest custom resource', () => {
    const [share] = Object.values(catalog.findResources('Custom::AWS')).filter((r) => JSON.stringify(r.Properties.Create).includes('PortfolioShare'));
    const text = (call: { 'Fn::Join': [string, unknown[]] }) => call['Fn::Join'][1].filter((x) => typeof x === 'string').join('');
    expect(text(share.Properties.Create)).toContain('"action":"createPortfolioShare"');
    expect(text(share.Properties.Create)).toContain('"OrganizationNode":{"Type":"ORGANIZATION","Value":"o-a1b2c3d4e5"}');
    expect(text(share.Properties.Delete)).toContain('"action":"deletePortfolioShare"');
  });
});

const buckets = [catalog, ...stage.regionalAssets.map((s) => Template.fromStack(s))];

describe('the product asset buckets', () => {
  it('exist in every governed Region', () => {
    expect(stage.regionalAssets.map((s) => s.region)).toEqual(['eu-west-1']);
  });

  it.each(buckets.map((t, i) => [i === 0 ? 'us-east-1' : 'eu-west-1', t]))('in %s are readable by the organization only, through deployer roles, and deny plain HTTP', (_region, template) => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p).includes('OrganizationDeployersRead'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'OrganizationDeployersRead',
        Effect: 'Allow',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          ArnLike: { 'aws:PrincipalArn': expect.arrayContaining([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/AWSControlTowerExecution']] }]) },
        },
      }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // Roles that StackSet instances create (a Glue job reading its script) may read too, still only inside the organization.
    const readers = JSON.stringify(statements.find((st: { Sid?: string }) => st.Sid === 'OrganizationDeployersRead').Condition.ArnLike['aws:PrincipalArn']);
    for (const role of ['stacksets-exec-*', 'SC-*', 'StackSet-*']) expect(readers).toContain(`:iam::*:role/${role}`);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.stringLikeRegexp('^platform-catalog-assets-111111111111-'),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    });
  });
});

describe('the asset buckets take StackSet assets from the pipeline', () => {
  it.each(buckets.map((t, i) => [i === 0 ? 'us-east-1' : 'eu-west-1', t]))(
    'in %s: the Region’s CDK file-publishing role of this account writes under stackset/ and may use the key through S3 only',
    (_region, template) => {
      const t = template;
      const publisher = {
        AWS: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/cdk-hnb659fds-file-publishing-role-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }],
          ],
        },
      };
      const statements = Object.values(t.findResources('AWS::S3::BucketPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
      const write = statements.find((st: { Sid?: string }) => st.Sid === 'PipelinePublishesStackSetAssets');
      expect(write).toMatchObject({ Effect: 'Allow', Principal: publisher });
      expect([...write.Action].sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
      expect(JSON.stringify(write.Resource)).toContain('/stackset/*');
      const check = statements.find((st: { Sid?: string }) => st.Sid === 'PipelineChecksTheBucket');
      expect(check).toMatchObject({ Principal: publisher });
      expect([...check.Action].sort()).toEqual(['s3:GetBucketLocation', 's3:GetEncryptionConfiguration', 's3:ListBucket']);
      const keyStatements = Object.values(t.findResources('AWS::KMS::Key')).flatMap((k) => k.Properties.KeyPolicy.Statement);
      const encrypt = keyStatements.find((st: { Sid?: string }) => st.Sid === 'PipelineEncryptsStackSetAssets');
      expect([...encrypt.Action].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(encrypt).toMatchObject({
        Principal: publisher,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      });
      // Member-account roles are granted decrypt by this alias (the key id differs per Region).
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/platform-catalog-assets' });
    },
  );
});

describe('self-service products', () => {
  // Names that must be unique in an account and Region, by resource type.
  const NAME_PROPERTIES: Record<string, string> = {
    'AWS::SNS::Topic': 'TopicName',
    'AWS::Events::Rule': 'Name',
    'AWS::SQS::Queue': 'QueueName',
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::DynamoDB::Table': 'TableName',
    'AWS::Logs::LogGroup': 'LogGroupName',
    'AWS::KMS::Alias': 'AliasName',
    'AWS::IAM::Role': 'RoleName',
    'AWS::S3::Bucket': 'BucketName',
  };
  const physicalNames = (template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }, who: StackIdentity) =>
    Object.values(template.Resources).flatMap((r) => {
      const prop = NAME_PROPERTIES[r.Type];
      const name = prop ? r.Properties?.[prop] : undefined;
      return name === undefined ? [] : [`${r.Type} ${String(evaluate(name, who))}`];
    });

  it.each([
    ['SnsFifoJobs', sns, ['AWS::SNS::Topic', 'AWS::Events::Rule']],
    ['PrivatelinkLambda', privatelink, []],
  ] as const)('%s launches beside the pipeline stack of the same pattern and twice in one account and Region: no physical name is shared', (name, pipelineStack, named) => {
    const product = productTemplate(name);
    const pipeline = Template.fromStack(pipelineStack).toJSON() as Parameters<typeof physicalNames>[0];
    const names = [
      physicalNames(pipeline, stackIdentity(pipelineStack.stackName, '1b2c3d4e-0000-4000-8000-000000000001')),
      physicalNames(product, stackIdentity('SC-444444444444-pp-abcdefghijklm', '5f6a7b8c-0000-4000-8000-000000000002')),
      physicalNames(product, stackIdentity('SC-444444444444-pp-nopqrstuvwxyz', '9d0e1f2a-0000-4000-8000-000000000003')),
    ];
    // The named resources are there, their names resolve, and the three stacks share none.
    for (const type of named) for (const list of names) expect(list.filter((n) => n.startsWith(`${type} `))).toHaveLength(1);
    for (const list of names) for (const n of list) expect(n).not.toContain('<unresolved>');
    const all = names.flat();
    expect(all.filter((n, i) => all.indexOf(n) !== i)).toEqual([]);
    // EventBridge rule names are at most 64 characters.
    for (const n of all.filter((x) => x.startsWith('AWS::Events::Rule '))) expect(n.length - 'AWS::Events::Rule '.length).toBeLessThanOrEqual(64);
  });

  it.each([
    ['SnsFifoJobs', sns, 'Jobs'],
    ['PrivatelinkLambda', privatelink, 'Pattern'],
  ] as const)('%s synthesizes the same resources as the pipeline stage of the same pattern', (name, pipelineStack, root) => {
    const product = productTemplate(name);
    type T = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, string> }> };
    // CDK names a few children after the unique id of a construct elsewhere: <stack path squashed><rest><hash>.
    const productStack = stage.node.findChild('Catalog').node.findChild(`${name}Stack`);
    const squashed = [productStack, pipelineStack].map((c) => c.node.path.replace(/[^A-Za-z0-9]/g, ''));
    const paths = [productStack, pipelineStack].map((c) => `${c.node.path}/`);
    const unhash = (text: string) =>
      paths.reduce(
        (t, p) => t.split(p).join('<STACK>/'),
        squashed.reduce((t, sq) => t.replace(new RegExp(`${sq}(?:${root})?([A-Za-z0-9]+?)[0-9A-F]{8}`, 'g'), '<STACK>$1'), text),
      );
    const shape = (t: T) => {
      const idToPath = new Map(Object.entries(t.Resources).map(([id, r]) => [id, unhash((r.Metadata?.['aws:cdk:path'] ?? id).replace(new RegExp(`^.*?/${root}/`), `${root}/`))]));
      return Object.fromEntries(
        Object.entries(t.Resources)
          .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata')
          .map(([id, r]) => {
            // Lambda code comes from another bucket (the catalog's, not the CDK bootstrap one).
            const { Code: _code, ...props } = r.Properties ?? {};
            let text = unhash(JSON.stringify(props).replace(/444444444444|111111111111/g, 'ACCOUNT'));
            for (const [other, p] of idToPath) text = text.split(`"${other}"`).join(`"${p}"`);
            return [idToPath.get(id)!, { type: r.Type, props: text }];
          }),
      );
    };
    // The product's roles carry the launched-role boundary (tested below); the pipeline's do not need it.
    const withoutBoundary = structuredClone(product) as T;
    for (const r of Object.values(withoutBoundary.Resources)) if (r.Type === 'AWS::IAM::Role') delete r.Properties?.PermissionsBoundary;
    const p = shape(withoutBoundary);
    const s = shape(Template.fromStack(pipelineStack).toJSON() as never);
    expect(Object.keys(p).sort()).toEqual(Object.keys(s).sort());
    for (const id of Object.keys(s)) expect([id, p[id].type]).toEqual([id, s[id].type]);
    const differing = Object.keys(s).filter((id) => p[id].props !== s[id].props);
    // Only the functions may differ, and only by where their code is; the stage knows its Region, the product does not.
    for (const id of differing) expect([id, s[id].type, s[id].props]).toEqual([id, expect.stringMatching(/^AWS::(Lambda::Function|EC2::(Subnet|VPCEndpoint))$/), p[id].props]);
  });
});

describe('account-baseline v3: the self-service launch role cannot mint administrators', () => {
  type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
  const baseline = productTemplate('AccountBaseline') as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
  const [boundaryId, boundary] = Object.entries(baseline.Resources).find(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')!;
  const [launchId] = Object.entries(baseline.Resources).find(([, r]) => r.Properties.RoleName === 'platform-catalog-launch')!;
  const launchStatements: Statement[] = Object.values(baseline.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(launchId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  const bySid = (sid: string) => launchStatements.find((st) => st.Sid === sid)!;

  const boundaryActions: string[] = boundary.Properties.PolicyDocument.Statement.flatMap((st: Statement) => [st.Action].flat());

  it('ships the launched-role boundary: data-plane actions only, no service:* (CT.IAM.PR.3), nothing of IAM, Organizations or account', () => {
    expect(boundary.Properties.ManagedPolicyName).toBe('platform-catalog-launched-role-boundary');
    expect(boundaryActions).toContain('lambda:InvokeFunction');
    expect(boundaryActions.filter((a) => /^(iam|organizations|account|sts):/.test(a) || /^[\w]*:?\*$/.test(a))).toEqual([]);
  });

  it.each(['SnsFifoJobs', 'PrivatelinkLambda'])('lets every action the %s product grants its roles through the boundary (else a launch would break at run time)', (name) => {
    const product = productTemplate(name) as typeof baseline;
    const granted = Object.values(product.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => st.Effect === 'Allow')
      .flatMap((st) => [st.Action].flat());
    const allows = (action: string) =>
      boundaryActions.some((b) => new RegExp(`^${b.replace(/\*/g, '.*')}$`, 'i').test(action) || (action.includes('*') && new RegExp(`^${action.replace(/\*/g, '.*')}$`, 'i').test(b)));
    expect(granted.length).toBeGreaterThan(0);
    expect([...new Set(granted)].filter((a) => !allows(a))).toEqual([]);
  });

  it('creates or changes SC-* roles only when they carry that boundary', () => {
    const create = bySid('ProductRolesOnlyWithTheBoundary');
    expect(create.Effect).toBe('Allow');
    expect(create.Action).toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary']));
    expect(create.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': { Ref: boundaryId } } });
    // No other Allow statement of the launch role has an IAM write action.
    const otherIamWrites = launchStatements
      .filter((st) => st.Effect === 'Allow' && st !== create)
      .flatMap((st) => [st.Action].flat())
      .filter((a) => /^iam:(Create|Attach|Put)/.test(a));
    expect(otherIamWrites).toEqual([]);
  });

  it('never attaches admin-class AWS policies, and never removes or rewrites the boundary', () => {
    const deny = bySid('NoAdministratorPolicies');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: 'iam:AttachRolePolicy' });
    const denied = JSON.stringify(deny.Condition!.ArnLike['iam:PolicyARN']);
    for (const policy of ['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess']) expect(denied).toContain(`:iam::aws:policy/${policy}`);
    const keep = bySid('KeepTheBoundary');
    expect(keep.Effect).toBe('Deny');
    expect(keep.Action).toEqual(expect.arrayContaining(['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion']));
    expect(JSON.stringify(keep.Resource)).toContain(boundaryId);
  });

  it.each(['SnsFifoJobs', 'PrivatelinkLambda'])('every role of the %s product carries the launched-role boundary', (name) => {
    const roles = Object.values((productTemplate(name) as typeof baseline).Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      expect(role.Properties.PermissionsBoundary).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/platform-catalog-launched-role-boundary']],
      });
    }
  });
});

describe('cdk-bootstrap', () => {
  it('is the toolkit template, with Qualifier and TrustedAccounts as parameters', () => {
    const t = productTemplate('CdkBootstrap');
    expect(Object.keys(t.Parameters)).toEqual(expect.arrayContaining(['TrustedAccounts', 'Qualifier']));
    expect(t.Resources.CdkBootstrapVersion.Properties.Value).toBe(String(toolkitBootstrapVersion()));
    expect(Object.keys(t.Resources)).toEqual(expect.arrayContaining(['StagingBucket', 'DeploymentActionRole', 'CloudFormationExecutionRole']));
  });

  it('must trust the configured management account: a template constraint, and the sample baseline passes it', () => {
    const [constraint] = Object.values(catalog.findResources('AWS::ServiceCatalog::LaunchTemplateConstraint'));
    expect(JSON.parse(constraint.Properties.Rules)).toEqual({
      TrustsThePipeline: { Assertions: [{ Assert: { 'Fn::Contains': [{ Ref: 'TrustedAccounts' }, '111111111111'] }, AssertDescription: 'TrustedAccounts must include 111111111111' }] },
    });
    const baseline = loadConfigOrThrow(configFixture()).baseline.organizationalUnits.default.find((p) => p.product === 'cdk-bootstrap')!;
    expect(baseline.parameters).toEqual({ TrustedAccounts: '{masteraccountid}' });
  });
});

describe('versions', () => {
  it('match their committed snapshots (a changed product needs a new version name; npm run catalog:snapshot)', () => {
    for (const [file, text] of currentProductTemplates(configFixture())) expect([path.basename(file), fs.readFileSync(file, 'utf8')]).toEqual([path.basename(file), text]);
  });
});

describe('the plan', () => {
  it('places the catalog in the platform wave, two stacks: home Region and eu-west-1 assets', () => {
    const plan = planOf(configFixture());
    const stage = plan.waves[0].deployments.find((d) => d.pattern === 'catalog')!;
    expect(stage).toMatchObject({ kind: 'stage', id: 'catalog-management-us-east-1' });
    expect(plan.shapes.get(stage.id)!.stacks).toBe(2);
  });

  it('refuses the catalog without the organization id', () => {
    const dir = configFixture({ 'organization.yaml': replaceOnce('  organizationId: o-a1b2c3d4e5    # AWS Organizations id (org-scoped bucket policies, portfolio share)\n', '') });
    expect(draftOf(dir).issues.map((i) => `${i.problem} (${i.fix})`)).toEqual([
      'catalog cannot go to management in us-east-1: its asset buckets are readable by the organization, whose id is not configured (set management.organizationId (o-…) in organization.yaml)',
      // The baseliner in the same sample needs it too, for its enrollment gate.
      "the baseliner's enrollment gate needs the organization id (add management.organizationId: o-…, or set the baseliner parameter enrollmentGate: false)",
    ]);
  });
});
