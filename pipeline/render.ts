/** Renders a plan for people (table, markdown), for tools (json) and for diagrams (mermaid). Pure. */
import type { Config } from '../accounts/loader';
import type { Plan, QuotaUse } from './planner';

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

export function planJson(plan: Plan, config: Config) {
  return {
    configDir: config.dir,
    management: config.organization.management,
    waves: plan.waves.map((w) => ({
      name: w.name,
      approval: w.approval,
      actions: w.actions,
      stages: w.stages.map((s) => ({ id: s.id, pattern: s.pattern, account: s.accountName, accountId: s.accountId, region: s.region, stacks: s.stacks, parameters: s.parameters })),
    })),
    pipeline: plan.pipeline,
    quotas: plan.quotas.map((q) => ({ ...q, headroom: q.limit - q.used })),
  };
}

function table(headers: string[], rows: string[][], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function quotaRows(quotas: readonly QuotaUse[]): string[][] {
  return quotas.map((q) => [q.where ? `${q.quota} (largest: ${q.where})` : q.quota, String(q.used), String(q.limit), `${q.limit - q.used} (${Math.round(((q.limit - q.used) / q.limit) * 100)}%)`]);
}

const QUOTA_HEADERS = ['QUOTA', 'USED', 'LIMIT', 'HEADROOM'];
const STAGE_HEADERS = ['PATTERN', 'ACCOUNT', 'ACCOUNT ID', 'REGION', 'STACKS'];

function renderTable(plan: Plan, config: Config): string {
  const org = config.organization;
  const out: string[] = [
    `Rollout plan for ${config.dir} — pipeline in ${org.management.account} / ${org.management.homeRegion}, source ${org.pipeline.repository}@${org.pipeline.branch}`,
    '',
  ];
  plan.waves.forEach((w, i) => {
    out.push(`Wave ${i + 1}: ${w.name}${w.approval ? ' — manual approval first' : ''} (${w.stages.length} stages, ${w.actions} actions)`);
    out.push(table(STAGE_HEADERS, w.stages.map((s) => [s.pattern, s.accountName, s.accountId, s.region, String(s.stacks)])), '');
  });
  out.push(`Pipeline: ${plan.pipeline.map((s) => `${s.name}(${s.actions})`).join(' → ')}`, '');
  out.push('Quota headroom', table(QUOTA_HEADERS, quotaRows(plan.quotas)), '');
  return `${out.join('\n')}\n`;
}

function renderMarkdown(plan: Plan, config: Config): string {
  const md = (headers: string[], rows: string[][]) =>
    [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const out = [`# Rollout plan (${config.dir})`, ''];
  plan.waves.forEach((w, i) => {
    out.push(`## Wave ${i + 1}: ${w.name}${w.approval ? ' (manual approval)' : ''}`, '', `${w.stages.length} stages, ${w.actions} pipeline actions.`, '');
    out.push(md(STAGE_HEADERS.map((h) => h.toLowerCase()), w.stages.map((s) => [`\`${s.pattern}\``, s.accountName, s.accountId, s.region, String(s.stacks)])), '');
  });
  out.push('## Pipeline', '', plan.pipeline.map((s) => `${s.name} (${s.actions})`).join(' → '), '');
  out.push('## Quota headroom', '', md(QUOTA_HEADERS.map((h) => h.toLowerCase()), quotaRows(plan.quotas)), '');
  return `${out.join('\n')}\n`;
}

/** waves → targets (account/Region) → patterns, in order. */
function renderMermaid(plan: Plan): string {
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
  const lines = ['flowchart LR'];
  plan.waves.forEach((w, i) => {
    const waveId = `wave_${id(w.name)}`;
    lines.push(`  ${waveId}["${i + 1}. ${w.name}${w.approval ? ' (approval)' : ''}"]`);
    if (i > 0) lines.push(`  wave_${id(plan.waves[i - 1].name)} --> ${waveId}`);
    const targets = new Map<string, string[]>();
    for (const s of w.stages) {
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
