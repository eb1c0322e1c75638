/**
 * cfn-lint over a cloud assembly: which templates to lint (every stack, product, StackSet and
 * product-version asset template, each distinct text once), in which Regions, and how to judge
 * what it reports against the checked-in list of allowed warnings. An error is never allowed.
 * No AWS: the files and cfn-lint's JSON output only.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { z } from 'zod';

/** The checked-in list of the warnings cfn-lint may report, each with its reason. */
export const ALLOWED_WARNINGS_FILE = path.resolve(__dirname, '..', 'cfn-lint.yaml');

const allowanceSchema = z.strictObject({
  rule: z.string().regex(/^[WI]\d{4}$/, 'a warning or informational rule id such as W3005: errors (E…) are never allowed'),
  reason: z.string().trim().min(20, 'say why the warning stands, in a sentence'),
  /** File-name globs (`*` matches any run of characters); the rule is allowed only in these templates. Default: every template. */
  templates: z.array(z.string().min(1)).min(1).optional(),
});
const allowancesSchema = z.strictObject({ allowedWarnings: z.array(allowanceSchema) });

export type LintAllowance = z.infer<typeof allowanceSchema>;

export function parseAllowances(text: string, file: string = ALLOWED_WARNINGS_FILE): LintAllowance[] {
  const parsed = allowancesSchema.safeParse(yaml.load(text));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`the allowed cfn-lint warnings are not valid:\n${lines.join('\n')}`);
  }
  const rules = parsed.data.allowedWarnings.map((a) => a.rule);
  const repeated = rules.filter((r, i) => rules.indexOf(r) !== i);
  if (repeated.length > 0) throw new Error(`${file}: ${[...new Set(repeated)].join(', ')} listed more than once: give each rule one entry (with several templates if needed)`);
  return parsed.data.allowedWarnings;
}

/** One finding of `cfn-lint --format json`, the fields we use. */
export interface LintFinding {
  readonly Filename: string;
  /** Error, Warning or Informational (cfn-lint may add levels). */
  readonly Level: string;
  readonly Message: string;
  readonly Location: { readonly Start: { readonly LineNumber: number }; readonly Path?: ReadonlyArray<string | number> };
  readonly Rule: { readonly Id: string };
}

export interface LintVerdict {
  /** Errors, and warnings no allowance covers: any of these fails. */
  readonly failures: LintFinding[];
  /** Allowed findings per rule. */
  readonly allowed: Map<string, number>;
  /** Allowances that matched nothing: stale entries to remove. */
  readonly unused: LintAllowance[];
}

export function judgeFindings(findings: readonly LintFinding[], allowances: readonly LintAllowance[]): LintVerdict {
  const failures: LintFinding[] = [];
  const allowed = new Map<string, number>();
  const used = new Set<LintAllowance>();
  for (const f of findings) {
    const allowance = f.Level === 'Error' ? undefined : allowances.find((a) => a.rule === f.Rule.Id && appliesTo(a, f.Filename));
    if (!allowance) {
      failures.push(f);
      continue;
    }
    used.add(allowance);
    allowed.set(f.Rule.Id, (allowed.get(f.Rule.Id) ?? 0) + 1);
  }
  return { failures, allowed, unused: allowances.filter((a) => !used.has(a)) };
}

function appliesTo(allowance: LintAllowance, file: string): boolean {
  if (!allowance.templates) return true;
  const name = path.basename(file);
  return allowance.templates.some((glob) => globToRegExp(glob).test(name));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export interface LintTargets {
  /** One file per distinct template text (the first in path order), with the copies it stands for. */
  readonly templates: Array<{ file: string; copies: string[] }>;
  /** Every Region a stack of the assembly names: env-agnostic templates are linted for each. */
  readonly regions: string[];
}

/**
 * The templates of an assembly and its nested assemblies: stack templates (`*.template.json`, which
 * includes product and StackSet templates) and the `asset.*.json` files that hold a template (the
 * released product versions Service Catalog offers), plus any extra files given.
 */
export function lintTargets(assemblyDir: string, extraFiles: readonly string[] = []): LintTargets {
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) throw new Error(`${assemblyDir}: not a cloud assembly (no manifest.json): run npm run synth first, or name the folder with --assembly`);
  const files: string[] = [];
  const regions = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('assembly-')) walk(full);
        continue;
      }
      if (entry.name === 'manifest.json') manifestRegions(full).forEach((r) => regions.add(r));
      else if (entry.name.endsWith('.template.json') || isTemplateAsset(full)) files.push(full);
    }
  };
  walk(assemblyDir);
  const byText = new Map<string, { file: string; copies: string[] }>();
  for (const file of [...files, ...extraFiles]) {
    const key = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const group = byText.get(key);
    if (group) group.copies.push(file);
    else byText.set(key, { file, copies: [file] });
  }
  return { templates: [...byText.values()], regions: [...regions].sort() };
}

/**
 * A file asset (`asset.<hash>.json`) that holds a CloudFormation template: how a released Service
 * Catalog product version is written into the assembly. Other JSON assets are not templates.
 */
export function isTemplateAsset(file: string): boolean {
  if (!/^asset\.[0-9a-f]+\.json$/.test(path.basename(file))) return false;
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null && 'Resources' in doc;
  } catch {
    return false;
  }
}

function manifestRegions(file: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { artifacts?: Record<string, { type?: string; environment?: string }> };
  return Object.values(manifest.artifacts ?? {}).flatMap((a) => {
    const region = a.type === 'aws:cloudformation:stack' ? /^aws:\/\/[^/]+\/([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(a.environment ?? '')?.[1] : undefined;
    return region ? [region] : [];
  });
}
