import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../pipeline/cli/lint-templates';
import { judgeFindings, lintTargets, parseAllowances, type LintFinding } from '../../pipeline/template-lint';

const finding = (rule: string, file: string, level = rule.startsWith('E') ? 'Error' : 'Warning'): LintFinding => ({
  Filename: file,
  Level: level,
  Message: `${rule} here`,
  Location: { Start: { LineNumber: 3 }, Path: ['Resources', 'Queue'] },
  Rule: { Id: rule },
});

const queueTemplate = (props: Record<string, unknown> = {}) => ({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: props } } });

/** A cloud assembly on disk: a manifest naming one stack's Region, a nested assembly, and the templates given. */
function assembly(templates: Record<string, unknown>, nested: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-'));
  const manifest = (artifacts: Record<string, unknown>) => JSON.stringify({ version: '48.0.0', artifacts });
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifest({ Pipeline: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/us-east-1' } }));
  for (const [name, body] of Object.entries(templates)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body, null, 1));
  const sub = path.join(dir, 'assembly-prod');
  fs.mkdirSync(sub);
  fs.writeFileSync(
    path.join(sub, 'manifest.json'),
    manifest({
      Prod: { type: 'aws:cloudformation:stack', environment: 'aws://222222222222/eu-west-1' },
      Agnostic: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region' },
    }),
  );
  for (const [name, body] of Object.entries(nested)) fs.writeFileSync(path.join(sub, name), JSON.stringify(body, null, 1));
  return dir;
}

describe('the allowed-warnings file', () => {
  it('is read with each rule, its reason and its templates', () => {
    const allowances = parseAllowances('allowedWarnings:\n  - rule: W3005\n    reason: CDK adds this DependsOn itself, beside the GetAtt.\n    templates: ["*.product.template.json"]\n');
    expect(allowances).toEqual([{ rule: 'W3005', reason: 'CDK adds this DependsOn itself, beside the GetAtt.', templates: ['*.product.template.json'] }]);
  });

  it.each([
    ['an error rule', 'allowedWarnings:\n  - rule: E3002\n    reason: we would like this error to pass quietly\n', /allowedWarnings\.0\.rule: .*errors \(E…\) are never allowed/],
    ['no reason', 'allowedWarnings:\n  - rule: W3005\n    reason: CDK\n', /allowedWarnings\.0\.reason: say why the warning stands/],
    ['an unknown key', 'allowedWarnings:\n  - rule: W3005\n    reason: CDK adds this DependsOn itself, beside the GetAtt.\n    because: x\n', /allowedWarnings\.0: Unrecognized key: "because"/],
    [
      'a rule listed twice',
      'allowedWarnings:\n  - rule: W3005\n    reason: CDK adds this DependsOn itself, beside the GetAtt.\n  - rule: W3005\n    reason: CDK adds this DependsOn itself, beside the GetAtt.\n',
      /W3005 listed more than once/,
    ],
  ])('refuses %s, saying where', (_, text, message) => {
    expect(() => parseAllowances(text, 'cfn-lint.yaml')).toThrow(message);
  });

  it('the checked-in file is valid and gives every rule a reason', () => {
    const allowances = parseAllowances(fs.readFileSync(path.join(__dirname, '..', '..', 'cfn-lint.yaml'), 'utf8'));
    expect(allowances.map((a) => a.rule)).toContain('W3005');
    for (const a of allowances) expect(a.reason.length).toBeGreaterThan(40);
  });
});

describe('judging what cfn-lint reports', () => {
  const allowances = parseAllowances(
    'allowedWarnings:\n  - rule: W3005\n    reason: CDK adds this DependsOn itself, beside the GetAtt.\n  - rule: W2001\n    reason: the toolkit template declares it for cdk bootstrap.\n    templates: ["*Bootstrap*.product.template.json"]\n  - rule: W3045\n    reason: a stale entry that matches nothing any more.\n',
  );

  it('fails every error, and every warning outside its allowance', () => {
    const verdict = judgeFindings(
      [
        finding('E3002', '/o/a.template.json'),
        finding('W3005', '/o/a.template.json'),
        finding('W3005', '/o/b.template.json'),
        finding('W2001', '/o/CatalogBootstrapStack1.product.template.json'),
        finding('W2001', '/o/Pipeline.template.json'),
        finding('W1001', '/o/a.template.json'),
      ],
      allowances,
    );
    expect(verdict.failures.map((f) => `${f.Rule.Id} ${path.basename(f.Filename)}`)).toEqual(['E3002 a.template.json', 'W2001 Pipeline.template.json', 'W1001 a.template.json']);
    expect([...verdict.allowed]).toEqual([
      ['W3005', 2],
      ['W2001', 1],
    ]);
    expect(verdict.unused.map((a) => a.rule)).toEqual(['W3045']);
  });
});

describe('the templates of an assembly', () => {
  it('are every stack, product, StackSet and product-version asset template, each distinct text once, with the Regions its stacks name', () => {
    const same = queueTemplate({ DelaySeconds: 1 });
    const dir = assembly(
      { 'Pipeline.template.json': queueTemplate(), 'asset.0a1b.json': same, 'asset.2c3d.json': { not: 'a template' }, 'manifest.json.bak': {} },
      { 'Prod.template.json': same, 'ProdCatalogStack1.product.template.json': queueTemplate({ DelaySeconds: 2 }), 'ProdSet.stackset.template.json': queueTemplate({ DelaySeconds: 3 }) },
    );
    const targets = lintTargets(dir);
    expect(targets.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(targets.templates.map((t) => ({ file: path.relative(dir, t.file), copies: t.copies.map((c) => path.relative(dir, c)) }))).toEqual([
      { file: 'Pipeline.template.json', copies: ['Pipeline.template.json'] },
      { file: 'assembly-prod/Prod.template.json', copies: ['assembly-prod/Prod.template.json', 'asset.0a1b.json'] },
      { file: 'assembly-prod/ProdCatalogStack1.product.template.json', copies: ['assembly-prod/ProdCatalogStack1.product.template.json'] },
      { file: 'assembly-prod/ProdSet.stackset.template.json', copies: ['assembly-prod/ProdSet.stackset.template.json'] },
    ]);
  });

  it('refuses a folder that is not an assembly, saying what to run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-'));
    expect(() => lintTargets(dir)).toThrow(/not a cloud assembly \(no manifest\.json\): run npm run synth first/);
  });
});

describe('npm run lint:templates (real cfn-lint)', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      argv,
      (s) => void out.push(s),
      (s) => void err.push(s),
    );
    return { code, out: out.join(''), err: err.join('') };
  };
  const allowedFile = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'allowed-')), 'cfn-lint.yaml');
    fs.writeFileSync(file, text);
    return file;
  };
  const none = allowedFile('allowedWarnings: []\n');
  const noSnapshots = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshots-'));

  it('fails on an error in a nested template and names the file, line and rule', async () => {
    const dir = assembly({ 'Pipeline.template.json': queueTemplate() }, { 'ProdSet.stackset.template.json': queueTemplate({ DelaySecondz: 1 }) });
    const result = await run(['--assembly', dir, '--allowed', none, '--snapshots', noSnapshots]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/assembly-prod\/ProdSet\.stackset\.template\.json:\d+: Error E3002 at Resources\/Queue\/Properties\/DelaySecondz: .*DelaySecondz/);
    expect(result.err).toMatch(/cfn-lint: 1 error, 0 warnings not allowed/);
  }, 120_000);

  it('passes clean templates and reports the linted count and Regions; a stale allowance fails', async () => {
    const dir = assembly({ 'Pipeline.template.json': queueTemplate() });
    const clean = await run(['--assembly', dir, '--allowed', none, '--snapshots', noSnapshots]);
    expect(clean.err).toBe('');
    expect(clean.out).toMatch(/^cfn-lint 1\.\d+\.\d+: \d+ distinct templates \(\d+ files\), Regions eu-west-1, us-east-1\n/);
    expect(clean.out).toContain('cfn-lint: 0 errors, 0 warnings outside');
    expect(clean.code).toBe(0);
    const stale = await run([
      '--assembly',
      dir,
      '--allowed',
      allowedFile('allowedWarnings:\n  - rule: W9999\n    reason: nothing reports this rule any more, on purpose.\n'),
      '--snapshots',
      noSnapshots,
    ]);
    expect(stale.out).toMatch(/W9999: allowed in .* but no longer reported: remove the entry/);
    expect(stale.code).toBe(1);
  }, 120_000);

  it('answers --help and refuses an unknown flag', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^lint:templates — /);
    expect(help.out).toContain('--assembly DIR');
    await expect(run(['--bogus'])).rejects.toThrow(/Unknown option '--bogus'/);
  });
});
