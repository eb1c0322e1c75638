/** Renders a plan for people (table, markdown), for tools (json) and for diagrams (mermaid). Pure. */
import type { Config } from '../accounts/config';
import type { Plan, PlannedStackSet, PlannedStage, PlannedWave, QuotaUse, StackSetGroup } from './planner';
import { describeBake } from './wave-gates';

export const FORMATS = ['table', 'json', 'markdown', 'mermaid'] as const;
export type Format = (typeof FORMATS)[number];

export function renderPlan(plan: Plan, config: Config, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(planJson(plan, config), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(plan, config);
    case 'mermaid':
      return renderMermaid(plan);
    default:
      return renderTable(plan, config);
  }
}

const stagesOf = (w: PlannedWave) => w.deployments.filter((d): d is PlannedStage => d.kind === 'stage');
const stackSetsOf = (w: PlannedWave) => w.deployments.filter((d): d is PlannedStackSet => d.kind === 'stackset');

/** Every deployment and every stack instance, for tools. */
export function planJson(plan: Plan, config: Config) {
  return {
    configDir: config.dir,
    pipelineName: plan.pipelineName,
    management: config.organization.management,
    waves: plan.waves.map((w) => ({
      name: w.name,
      approval: w.approval,
      window: w.gate.window,
      bake: w.gate.bake,
      actions: w.actions,
      pipelineStages: w.parts.map((p) => ({ name: p.name, actions: p.actions, deployments: p.deployments })),
      stages: stagesOf(w).map((s) => ({
        id: s.id,
        pattern: s.pattern,
        account: s.accountName,
        accountId: s.accountId,
        region: s.region,
        stackName: s.stackName,
        stacks: plan.shapes.get(s.id)?.stacks,
        parameters: s.parameters,
      })),
      stackSets: stackSetsOf(w).map((s) => ({
        id: s.id,
        stackSetName: s.stackSetName,
        pattern: s.pattern,
        administrator: { accountId: s.adminAccountId, region: s.region, callAs: s.callAs },
        autoDeployment: s.autoDeployment,
        operationPreferences: s.preferences,
        groups: s.groups,
        regions: s.regions,
        parameters: s.parameters,
        instances: s.instances.map((i) => ({ account: i.accountName, accountId: i.accountId, ou: i.ou, region: i.region })),
      })),
    })),
    pipeline: plan.pipeline,
    executionMode: config.organization.pipeline.executionMode,
    assets: plan.assets,
    quotas: plan.quotas.map((q) => ({ ...q, headroom: q.limit - q.used })),
  };
}

function table(headers: string[], rows: string[][], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function quotaRows(quotas: readonly QuotaUse[]): string[][] {
  return quotas.map((q) => [q.where ? `${q.quota} (largest: ${q.where})` : q.quota, String(q.used), String(q.limit), `${q.limit - q.used} (${Math.round(((q.limit - q.used) / q.limit) * 100)}%)`]);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "OU Workloads/Dev → 412 accounts × 4 Regions": a group of a StackSet, by what it reaches today. */
export function describeGroup(s: PlannedStackSet, g: StackSetGroup): string {
  const reached = new Set(s.instances.filter((i) => g.regions.includes(i.region) && (g.accountFilter === 'INTERSECTION' ? g.accounts.includes(i.accountId) : true)).map((i) => i.accountId));
  const where =
    g.accountFilter === 'INTERSECTION'
      ? `accounts ${g.accounts.length <= 3 ? g.accounts.join(', ') : plural(g.accounts.length, 'account')} (through OU ${g.organizationalUnits.join(', ')})`
      : `OU ${g.organizationalUnits.join(', ')}${g.accountFilter === 'UNION' ? ` + ${plural(g.accounts.length, 'account')}` : ''}`;
  return `${where} → ${plural(reached.size, 'account')} × ${plural(g.regions.length, 'Region')}`;
}

const STAGE_HEADERS = ['PATTERN', 'ACCOUNT', 'ACCOUNT ID', 'REGION', 'STACKS'];
const STACKSET_HEADERS = ['STACKSET', 'PATTERN', 'TARGETS', 'INSTANCES'];
const QUOTA_HEADERS = ['QUOTA', 'USED', 'LIMIT', 'HEADROOM'];

function waveTitle(w: PlannedWave, i: number): string {
  const counts = [stackSetsOf(w).length ? plural(stackSetsOf(w).length, 'StackSet') : undefined, stagesOf(w).length ? plural(stagesOf(w).length, 'stage') : undefined].filter(Boolean).join(', ');
  const split = w.parts.length > 1 ? `, split into ${w.parts.length} pipeline stages: ${w.parts.map((p) => `${p.name}(${p.actions})`).join(' → ')}` : '';
  return `Wave ${i + 1}: ${w.name}${w.approval ? ' — manual approval first' : ''} (${counts}, ${w.actions} actions${split})`;
}

/** What must hold before a wave enters, one line each: its window, the previous wave's bake. */
export function gateLines(w: PlannedWave): string[] {
  const lines: string[] = [];
  if (w.gate.window) lines.push(`enters only in its window: ${w.gate.window.description} (DeploymentWindow cron "${w.gate.window.cron}")`);
  if (w.gate.bake) lines.push(`enters only after ${describeBake(w.gate.bake)}`);
  return lines;
}

function stageRows(plan: Plan, w: PlannedWave): string[][] {
  return stagesOf(w).map((s) => [s.pattern, s.accountName, s.accountId, s.region, String(plan.shapes.get(s.id)?.stacks ?? '?')]);
}

function stackSetRows(w: PlannedWave): string[][] {
  return stackSetsOf(w).flatMap((s) => s.groups.map((g, gi) => [gi === 0 ? s.stackSetName : '', gi === 0 ? s.pattern : '', describeGroup(s, g), gi === 0 ? String(s.instances.length) : '']));
}

/** What a failure does, pipeline-wide. */
function failureLine(config: Config): string {
  return `execution mode ${config.organization.pipeline.executionMode}; a wave stage that fails rolls back to its last successful revision (OnFailure ROLLBACK) and the pipeline halts`;
}

function renderTable(plan: Plan, config: Config): string {
  const org = config.organization;
  const out: string[] = [
    `Rollout plan for ${config.dir} — pipeline ${plan.pipelineName} in ${org.management.account} / ${org.management.homeRegion}, source ${org.pipeline.repository}@${org.pipeline.branch}`,
    '',
  ];
  plan.waves.forEach((w, i) => {
    out.push(waveTitle(w, i), ...gateLines(w).map((l) => `  ${l}`));
    if (stackSetsOf(w).length) out.push(table(STACKSET_HEADERS, stackSetRows(w)));
    if (stagesOf(w).length) out.push(table(STAGE_HEADERS, stageRows(plan, w)));
    out.push('');
  });
  out.push(`Pipeline: ${plan.pipeline.map((s) => `${s.name}(${s.actions})`).join(' → ')}`, `  ${failureLine(config)}`, '');
  out.push('Quota headroom', table(QUOTA_HEADERS, quotaRows(plan.quotas)), '');
  return `${out.join('\n')}\n`;
}

function renderMarkdown(plan: Plan, config: Config): string {
  const md = (headers: string[], rows: string[][]) => [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const out = [`# Rollout plan (${config.dir})`, ''];
  plan.waves.forEach((w, i) => {
    out.push(`## ${waveTitle(w, i)}`, '', ...gateLines(w).map((l) => `- ${l}`));
    if (gateLines(w).length) out.push('');
    if (stackSetsOf(w).length)
      out.push(
        md(
          STACKSET_HEADERS.map((h) => h.toLowerCase()),
          stackSetRows(w),
        ),
        '',
      );
    if (stagesOf(w).length)
      out.push(
        md(
          STAGE_HEADERS.map((h) => h.toLowerCase()),
          stageRows(plan, w).map(([p, ...rest]) => [`\`${p}\``, ...rest]),
        ),
        '',
      );
  });
  out.push('## Pipeline', '', plan.pipeline.map((s) => `${s.name} (${s.actions})`).join(' → '), '', failureLine(config), '');
  out.push(
    '## Quota headroom',
    '',
    md(
      QUOTA_HEADERS.map((h) => h.toLowerCase()),
      quotaRows(plan.quotas),
    ),
    '',
  );
  return `${out.join('\n')}\n`;
}

/**
 * waves → targets → patterns, in order. A StackSet is one box ("OU x → N accounts × M Regions"),
 * so an organization of any size stays far below Mermaid's default of 500 edges.
 */
function renderMermaid(plan: Plan): string {
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
  const lines = ['flowchart LR'];
  plan.waves.forEach((w, i) => {
    const waveId = `wave_${id(w.name)}`;
    lines.push(`  ${waveId}["${i + 1}. ${w.name}${w.approval ? ' (approval)' : ''}"]`);
    if (i > 0) lines.push(`  wave_${id(plan.waves[i - 1].name)} --> ${waveId}`);
    for (const s of stackSetsOf(w)) {
      lines.push(`  ${waveId} --> ${waveId}_${id(s.id)}[["${s.pattern} (StackSet)<br/>${s.groups.map((g) => describeGroup(s, g)).join('<br/>')}"]]`);
    }
    const targets = new Map<string, string[]>();
    for (const s of stagesOf(w)) {
      const key = `${s.accountName} ${s.region}`;
      targets.set(key, [...(targets.get(key) ?? []), s.pattern]);
    }
    for (const [target, patterns] of targets) {
      const targetId = `${waveId}_${id(target)}`;
      lines.push(`  ${waveId} --> ${targetId}["${target}"]`);
      for (const p of patterns) lines.push(`  ${targetId} --> ${targetId}_${id(p)}(["${p}"])`);
    }
  });
  return `${lines.join('\n')}\n`;
}
