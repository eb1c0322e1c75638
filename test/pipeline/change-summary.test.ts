/**
 * The change summary on real template pairs (synthesized by CDK, then changed the ways a commit
 * changes them) and on small assemblies laid out as the pipeline's: pairing, counting per account
 * and Region, IAM and security group tables, templates that appear and disappear.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemblyTemplates, diffTemplates, renderChangeSummary, summarizeChanges } from '../../pipeline/change-summary';
import { main } from '../../pipeline/cli/plan';
import { UsageError } from '../../pipeline/cli/command-line';
import { configFixture } from '../support/config-fixture';
import { runCli } from '../support/cli';
import { planOf } from '../support/plan';
import { AFTER, assembly, BEFORE, template } from '../support/assemblies';

describe('diffTemplates on CDK-synthesized template pairs', () => {
  const d = diffTemplates(template(BEFORE), template(AFTER));
  const byId = (prefix: string) => d.resources.find((r) => r.logicalId.startsWith(prefix));

  it('tells added, modified, replaced and removed resources apart, from the resource specification', () => {
    expect(byId('Topic')).toMatchObject({ type: 'AWS::SNS::Topic', impact: 'add', properties: [] });
    expect(byId('Jobs')).toMatchObject({ type: 'AWS::SQS::Queue', impact: 'modify', properties: ['VisibilityTimeout'] });
    // A table's key schema is create-only: CloudFormation replaces the table (and its data with it).
    expect(byId('Table')).toMatchObject({ type: 'AWS::DynamoDB::Table', impact: 'replace' });
    expect(byId('Table')!.properties[0]).toMatch(/KeySchema|AttributeDefinitions/);
    expect(byId('Legacy')).toMatchObject({ type: 'AWS::SQS::Queue', impact: 'remove' });
    expect(d.resources.some((r) => r.type === 'AWS::CDK::Metadata')).toBe(false);
  });

  it('lists IAM and security group changes as tables, and says permissions broadened', () => {
    expect(d.iamStatements[0]).toEqual(expect.arrayContaining(['Resource', 'Effect', 'Action', 'Principal']));
    expect(d.iamStatements.slice(1).map((r) => r.join(' '))).toEqual([expect.stringMatching(/^\+ arn:aws:s3:::reports\/\* Allow s3:GetObject AWS:\$\{Worker/)]);
    expect(
      d.securityGroups
        .slice(1)
        .map((r) => r.join(' '))
        .join('\n'),
    ).toMatch(/10\.0\.0\.0\/16/);
    expect(d.permissionsBroadened).toBe(true);
  });

  it('finds nothing between a template and itself', () => {
    expect(diffTemplates(template(BEFORE), template(BEFORE))).toMatchObject({ resources: [], iamStatements: [], securityGroups: [] });
  });
});

describe('summarizeChanges across two assemblies, against the sample’s plan', () => {
  const plan = planOf(configFixture());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'change-summary-'));
  const pipeline = { Resources: { Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: { Name: 'platform-delivery' } } } };
  const host = (url: string) => ({ Resources: { Resource: { Type: 'AWS::CloudFormation::StackSet', Properties: { StackSetName: 'platform-delivery-dev-data-lake', TemplateURL: url } } } });
  const base = assembly(path.join(root, 'base'), { pipeline, prodStage: template(BEFORE), stackSetTemplate: template(BEFORE), host: host('https://s3/old.json') });
  const head = assembly(path.join(root, 'head'), { pipeline, stackSetTemplate: template(AFTER), host: host('https://s3/new.json') });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('pairs templates by deployment and stack name, the StackSet template through its host stack’s assets', () => {
    expect([...assemblyTemplates(base, 'platform-delivery-pipeline').keys()].sort()).toEqual([
      '(pipeline)|platform-delivery-pipeline',
      'sns-fifo-jobs-prod-us-east-1|pattern-sns-fifo-jobs',
      'stackset-dev-data-lake|StackSet template',
      'stackset-dev-data-lake|platform-delivery-dev-data-lake-stackset',
    ]);
    expect(() => assemblyTemplates(path.join(root, 'nowhere'), 'platform-delivery-pipeline')).toThrow(/is not a cloud assembly \(no manifest.json\)/);
  });

  it('counts a StackSet template’s changes once per stack instance, and says what the host stack changes', () => {
    const summary = summarizeChanges(assemblyTemplates(base, 'platform-delivery-pipeline'), assemblyTemplates(head, 'platform-delivery-pipeline'), plan);
    const dev = summary.waves.find((w) => w.wave === 'dev')!;
    const stackSet = dev.templates.find((t) => t.name === 'StackSet template')!;
    expect(stackSet.targets).toEqual(['444444444444/us-east-1', '555555555555/us-east-1']);
    // Per instance: the topic added; the queue and the role's policy... as the pure diff says; times two instances.
    const per = { add: 0, modify: 0, replace: 0, remove: 0 } as Record<string, number>;
    for (const r of stackSet.resources) per[r.impact === 'may-replace' ? 'replace' : r.impact] += 1;
    expect(dev.totals).toEqual({ added: per.add * 2, modified: per.modify * 2 + 1, replaced: per.replace * 2, removed: per.remove * 2 });
    expect(dev.templates.find((t) => t.name === 'platform-delivery-dev-data-lake-stackset')!.resources).toEqual([
      { logicalId: 'Resource', type: 'AWS::CloudFormation::StackSet', impact: 'modify', properties: ['TemplateURL'] },
    ]);
    expect(summary.unchanged).toBe(1); // the pipeline's own stack
  });

  it('reports a stack gone from the assembly with every resource removed, or orphaned where it is retained (the table)', () => {
    const summary = summarizeChanges(assemblyTemplates(base, 'platform-delivery-pipeline'), assemblyTemplates(head, 'platform-delivery-pipeline'), plan);
    const prod = summary.waves.find((w) => w.wave === 'prod')!;
    expect(prod.templates).toHaveLength(1);
    expect(prod.templates[0]).toMatchObject({ status: 'gone', targets: ['666666666666/us-east-1'] });
    expect([...new Set(prod.templates[0].resources.map((r) => r.impact))].sort()).toEqual(['orphan', 'remove']);
    expect(prod.templates[0].resources.find((r) => r.type === 'AWS::DynamoDB::Table')!.impact).toBe('orphan');
    const text = renderChangeSummary(summary, 'base → head');
    expect(text).toContain('Wave dev: ');
    expect(text).toMatch(/stackset-dev-data-lake — StackSet template → 2 account-Regions \(444444444444\/us-east-1, 555555555555\/us-east-1\): 2 added, 2 modified, 1 replaced, 1 removed each/);
    expect(text).toMatch(/! AWS::DynamoDB::Table Table\w+ REPLACED \((KeySchema|AttributeDefinitions)/);
    expect(text).toContain('IAM statement changes (permissions broadened):');
    expect(text).toMatch(/Replaced or removed \(read these before approving\): \d+\n/);
    expect(text).toMatch(/ {2}dev: stackset-dev-data-lake Table\w+ REPLACED/);
  });

  it('says so when nothing changes', () => {
    const a = assemblyTemplates(base, 'platform-delivery-pipeline');
    const summary = summarizeChanges(a, a, plan);
    expect(summary.waves).toEqual([]);
    expect(renderChangeSummary(summary, 'x → x')).toBe('Change summary: x → x\n\nNo template changes (4 templates compared).\n\n');
  });

  it('is what npm run plan -- --base-assembly A --assembly B prints, as a table or JSON', () => {
    const text = runCli(main, ['--base-assembly', base, '--assembly', head]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Change summary: .*base → .*head\n/);
    expect(text.out).toContain('Wave prod: ');
    const json = runCli(main, ['--base-assembly', base, '--assembly', head, '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ from: base, to: head, totals: { added: expect.any(Number) } });
  });

  it('refuses conflicting or half-given diff options as usage errors, and a ref that names no commit', () => {
    expect(() => runCli(main, ['--assembly', head])).toThrow(new UsageError('--assembly goes with --diff REF or --base-assembly DIR'));
    expect(() => runCli(main, ['--diff', 'HEAD', '--base-assembly', base])).toThrow(new UsageError('give --diff REF or --base-assembly DIR, not both'));
    expect(() => runCli(main, ['--base-assembly', base, '--format', 'mermaid'])).toThrow(new UsageError('the change summary is printed as table or json'));
    expect(() => runCli(main, ['--diff', 'no-such-branch-xyz'])).toThrow('"no-such-branch-xyz" names no commit of this repository (try HEAD~1, a branch, a tag or a commit id)');
  });
});
