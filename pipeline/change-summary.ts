/**
 * The org-wide change summary: what a revision changes, wave by wave, in every account and Region,
 * from two synthesized cloud assemblies. Templates are paired by the deployment that deploys them
 * and their stack name; each pair is diffed by @aws-cdk/cloudformation-diff (the library `cdk diff`
 * uses, so replacements come from the CloudFormation resource specification) and multiplied by the
 * account-Regions the plan says the template reaches. No AWS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { Plan, PlannedDeployment } from './planner';

/** One template of an assembly, keyed so the same template of another revision has the same key. */
export interface AssemblyTemplate {
  readonly key: string;
  /** The deployment that deploys it (a CDK Stage or StackSet id), or undefined for the pipeline's own stacks. */
  readonly deployment?: string;
  /** The stack name, or "StackSet template". */
  readonly name: string;
  readonly file: string;
  /** The stack's account/Region from the manifest (a StackSet template has none: the plan knows its instances). */
  readonly environment?: string;
  /** The template itself, when it was read from AWS rather than from a file. */
  readonly body?: Record<string, unknown>;
}

interface Manifest {
  readonly artifacts?: Record<string, { type: string; environment?: string; properties?: { templateFile?: string; stackName?: string; directoryName?: string; file?: string } }>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const STACKSET_TEMPLATE = 'StackSet template';

/**
 * Every template the pipeline of `pipelineStackName` deploys: its own stacks, each deployment's
 * stacks (nested assembly `assembly-<pipeline stack>-<deployment>`), and the template of each
 * StackSet (the file its host stack publishes, in a shared `stackset-template-*` assembly).
 */
export function assemblyTemplates(dir: string, pipelineStackName: string): Map<string, AssemblyTemplate> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${dir} is not a cloud assembly (no manifest.json): synthesize it first, e.g. npm run synth -- --output ${dir}`);
  const out = new Map<string, AssemblyTemplate>();
  const stacks = (assemblyDir: string, deployment: string | undefined) => {
    const manifest = readJson<Manifest>(path.join(assemblyDir, 'manifest.json'));
    for (const [id, a] of Object.entries(manifest.artifacts ?? {})) {
      if (a.type !== 'aws:cloudformation:stack' || !a.properties?.templateFile) continue;
      const name = a.properties.stackName ?? id;
      const key = `${deployment ?? '(pipeline)'}|${name}`;
      out.set(key, { key, deployment, name, file: path.join(assemblyDir, a.properties.templateFile), environment: a.environment?.replace(/^aws:\/\//, '') });
      const assets = path.join(assemblyDir, `${id}.assets.json`);
      if (!deployment || !fs.existsSync(assets)) continue;
      const files = readJson<{ files?: Record<string, { source: { path: string } }> }>(assets).files ?? {};
      for (const f of Object.values(files)) {
        if (!f.source.path.endsWith('.stackset.template.json')) continue;
        const stackSetKey = `${deployment}|${STACKSET_TEMPLATE}`;
        out.set(stackSetKey, { key: stackSetKey, deployment, name: STACKSET_TEMPLATE, file: path.resolve(assemblyDir, f.source.path) });
      }
    }
  };
  stacks(dir, undefined);
  const prefix = `assembly-${pipelineStackName}-`;
  for (const a of Object.values(readJson<Manifest>(manifestFile).artifacts ?? {})) {
    const directory = a.type === 'cdk:cloud-assembly' ? a.properties?.directoryName : undefined;
    if (!directory?.startsWith(prefix) || directory.startsWith(`${prefix}stackset-template-`)) continue;
    stacks(path.join(dir, directory), directory.slice(prefix.length));
  }
  return out;
}

export type Impact = 'add' | 'modify' | 'replace' | 'may-replace' | 'remove' | 'orphan';

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly impact: Impact;
  /** Properties changed; for a replacement, those that force it first. */
  readonly properties: readonly string[];
}

export interface TemplateChange {
  readonly key: string;
  readonly deployment?: string;
  readonly wave: string;
  readonly name: string;
  /** account/Region pairs this template reaches; a StackSet template reaches every instance. */
  readonly targets: readonly string[];
  readonly status: 'new' | 'changed' | 'gone';
  readonly resources: readonly ResourceChange[];
  /** cloudformation-diff's IAM tables (header row first), empty when IAM does not change. */
  readonly iamStatements: readonly (readonly string[])[];
  readonly iamManagedPolicies: readonly (readonly string[])[];
  readonly securityGroups: readonly (readonly string[])[];
  readonly permissionsBroadened: boolean;
}

export interface Counts {
  added: number;
  modified: number;
  replaced: number;
  removed: number;
}

export interface WaveChanges {
  readonly wave: string;
  readonly templates: readonly TemplateChange[];
  /** Resource changes summed over every account-Region. */
  readonly totals: Counts;
  readonly targets: number;
}

export interface ChangeSummary {
  readonly waves: readonly WaveChanges[];
  readonly unchanged: number;
  readonly totals: Counts;
}

const IMPACTS: Partial<Record<ResourceImpact, Impact>> = {
  [ResourceImpact.WILL_CREATE]: 'add',
  [ResourceImpact.WILL_IMPORT]: 'add',
  [ResourceImpact.WILL_UPDATE]: 'modify',
  [ResourceImpact.WILL_REPLACE]: 'replace',
  [ResourceImpact.MAY_REPLACE]: 'may-replace',
  [ResourceImpact.WILL_DESTROY]: 'remove',
  [ResourceImpact.WILL_ORPHAN]: 'orphan',
};

/** CDK's own bookkeeping, never a change in an account. */
const IGNORED_TYPES = new Set(['AWS::CDK::Metadata']);

/** The resource changes of one template pair (either side may be missing), with the IAM and security group tables. */
export function diffTemplates(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined) {
  const diff = fullDiff(before ?? {}, after ?? {});
  const resources: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? 'unknown';
    const impact = IMPACTS[change.changeImpact];
    if (!impact || IGNORED_TYPES.has(type)) return;
    const updates = Object.entries(change.propertyUpdates);
    const forcing = updates.filter(([, p]) => p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE).map(([k]) => k);
    const properties = impact === 'replace' || impact === 'may-replace' ? [...forcing, ...updates.map(([k]) => k).filter((k) => !forcing.includes(k))] : updates.map(([k]) => k);
    resources.push({ logicalId, type, impact, properties: impact === 'add' || impact === 'remove' ? [] : properties });
  });
  const table = (rows: string[][]) => (rows.length > 1 ? rows : []);
  return {
    resources: resources.sort((a, b) => a.logicalId.localeCompare(b.logicalId)),
    iamStatements: table(diff.iamChanges.summarizeStatements()),
    iamManagedPolicies: table(diff.iamChanges.summarizeManagedPolicies()),
    securityGroups: table(diff.securityGroupChanges.summarize()),
    permissionsBroadened: diff.iamChanges.permissionsBroadened || diff.securityGroupChanges.rulesAdded,
  };
}

/** Where a template goes, per the plan: a stage's stack to its account and Region, a StackSet template to every instance, a host stack to the administrator. */
function placement(t: AssemblyTemplate, deployments: ReadonlyMap<string, PlannedDeployment>): { wave: string; targets: string[] } {
  const d = t.deployment ? deployments.get(t.deployment) : undefined;
  if (!d) return { wave: t.deployment ? '(no longer in the plan)' : '(pipeline)', targets: t.environment ? [t.environment] : [] };
  if (d.kind === 'stackset' && t.name === STACKSET_TEMPLATE) return { wave: d.wave, targets: d.instances.map((i) => `${i.accountId}/${i.region}`) };
  return { wave: d.wave, targets: [t.environment ?? (d.kind === 'stage' ? `${d.accountId}/${d.region}` : `${d.adminAccountId}/${d.region}`)] };
}

const zero = (): Counts => ({ added: 0, modified: 0, replaced: 0, removed: 0 });

function add(into: Counts, resources: readonly ResourceChange[], times: number): void {
  for (const r of resources) {
    if (r.impact === 'add') into.added += times;
    else if (r.impact === 'modify') into.modified += times;
    else if (r.impact === 'replace' || r.impact === 'may-replace') into.replaced += times;
    else into.removed += times;
  }
}

/** Two assemblies' templates → what changes, wave by wave, in the order of the plan. */
export function summarizeChanges(base: ReadonlyMap<string, AssemblyTemplate>, head: ReadonlyMap<string, AssemblyTemplate>, plan: Plan): ChangeSummary {
  const deployments = new Map(plan.waves.flatMap((w) => w.deployments.map((d) => [d.id, d] as const)));
  const order = ['(pipeline)', ...plan.waves.map((w) => w.name), '(no longer in the plan)'];
  const changes: TemplateChange[] = [];
  let unchanged = 0;
  for (const key of [...new Set([...head.keys(), ...base.keys()])].sort()) {
    const before = base.get(key);
    const after = head.get(key);
    const diff = diffTemplates(before && (before.body ?? readJson(before.file)), after && (after.body ?? readJson(after.file)));
    if (diff.resources.length === 0 && diff.iamStatements.length === 0 && diff.securityGroups.length === 0) {
      unchanged++;
      continue;
    }
    const t = (after ?? before)!;
    changes.push({ key, deployment: t.deployment, name: t.name, status: !before ? 'new' : !after ? 'gone' : 'changed', ...placement(t, deployments), ...diff });
  }
  const totals = zero();
  const waves = order
    .map((wave) => {
      const templates = changes.filter((c) => c.wave === wave);
      const counts = zero();
      for (const c of templates) add(counts, c.resources, Math.max(1, c.targets.length));
      for (const k of Object.keys(totals) as Array<keyof Counts>) totals[k] += counts[k];
      return { wave, templates, totals: counts, targets: new Set(templates.flatMap((c) => c.targets)).size };
    })
    .filter((w) => w.templates.length > 0);
  return { waves, unchanged, totals };
}

const SIGN: Record<Impact, string> = { add: '+', modify: '~', replace: '!', 'may-replace': '!', remove: '-', orphan: '-' };
const WORD: Record<Impact, string> = { add: 'added', modify: 'modified', replace: 'REPLACED', 'may-replace': 'may be REPLACED', remove: 'REMOVED', orphan: 'orphaned (left in the account)' };

const counts = (c: Counts) => `${c.added} added, ${c.modified} modified, ${c.replaced} replaced, ${c.removed} removed`;

/** A table of cloudformation-diff's (cells may hold several lines), as aligned text. */
function tableText(rows: readonly (readonly string[])[], indent: string): string[] {
  const cells = rows.map((r) => r.map((c) => (c ?? '').split('\n')));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => Math.max(...(r[i] ?? ['']).map((l) => l.length)))));
  return cells.flatMap((r) => {
    const height = Math.max(...r.map((c) => c.length));
    return Array.from({ length: height }, (_, line) => `${indent}${r.map((c, i) => (c[line] ?? '').padEnd(widths[i])).join('  ')}`.trimEnd());
  });
}

/** Where a template goes, for people: "2 account-Regions (444444444444/us-east-1, …)". */
function targetsText(targets: readonly string[]): string {
  if (targets.length === 0) return 'no account today';
  const shown = targets.slice(0, 3).join(', ');
  return `${targets.length} account-Region${targets.length === 1 ? '' : 's'} (${shown}${targets.length > 3 ? ', …' : ''})`;
}

export function renderChangeSummary(summary: ChangeSummary, title: string): string {
  const out = [`Change summary: ${title}`, ''];
  if (summary.waves.length === 0) {
    out.push(`No template changes (${summary.unchanged} templates compared).`, '');
    return `${out.join('\n')}\n`;
  }
  for (const w of summary.waves) {
    out.push(
      `${w.wave === '(pipeline)' ? 'The pipeline itself (management account)' : w.wave === '(no longer in the plan)' ? 'No longer deployed (the pipeline leaves these stacks in place: delete them by hand)' : `Wave ${w.wave}`}: ${counts(w.totals)} across ${w.targets} account-Regions`,
    );
    for (const t of w.templates) {
      const per = zero();
      add(per, t.resources, 1);
      const label = t.name === '(pipeline)' ? t.name : `${t.deployment ? `${t.deployment} — ` : ''}${t.name}`;
      out.push(`  ${label}${t.status === 'new' ? ' (new)' : t.status === 'gone' ? ' (gone)' : ''} → ${targetsText(t.targets)}: ${counts(per)} each`);
      for (const r of t.resources)
        out.push(`    ${SIGN[r.impact]} ${r.type} ${r.logicalId}${r.impact === 'add' ? '' : ` ${WORD[r.impact]}`}${r.properties.length ? ` (${r.properties.join(', ')})` : ''}`);
      if (t.iamStatements.length) out.push(`    IAM statement changes${t.permissionsBroadened ? ' (permissions broadened)' : ''}:`, ...tableText(t.iamStatements, '      '));
      if (t.iamManagedPolicies.length) out.push('    IAM managed policy changes:', ...tableText(t.iamManagedPolicies, '      '));
      if (t.securityGroups.length) out.push('    Security group changes:', ...tableText(t.securityGroups, '      '));
    }
    out.push('');
  }
  const dangerous = summary.waves.flatMap((w) =>
    w.templates.flatMap((t) => t.resources.filter((r) => r.impact !== 'add' && r.impact !== 'modify').map((r) => `${w.wave}: ${t.deployment ?? 'pipeline'} ${r.logicalId} ${WORD[r.impact]}`)),
  );
  out.push(`Total: ${counts(summary.totals)} over every account and Region; ${summary.unchanged} template${summary.unchanged === 1 ? '' : 's'} unchanged.`);
  if (dangerous.length) out.push(`Replaced or removed (read these before approving): ${dangerous.length}`, ...dangerous.map((d) => `  ${d}`));
  return `${out.join('\n')}\n`;
}
