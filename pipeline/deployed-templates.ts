/**
 * What a wave's deployments have deployed now, template by template, keyed as assemblyTemplates()
 * keys the synthesized ones: the base of the change summary a wave's approval links to. A stage's
 * stack: GetTemplate in its account and Region; a StackSet's template: DescribeStackSet in its
 * administrator account; the StackSet's host stack: GetTemplate there. The fetcher makes the calls.
 */
import type { AssemblyTemplate } from './change-summary';
import type { Plan } from './planner';

export interface TemplateFetcher {
  /** The stack's current template, or undefined when there is no such stack (yet). */
  stackTemplate(accountId: string, region: string, stackName: string): Promise<Record<string, unknown> | undefined>;
  stackSetTemplate(accountId: string, region: string, stackSetName: string, callAs: 'SELF' | 'DELEGATED_ADMIN'): Promise<Record<string, unknown> | undefined>;
}

/** The head templates of one wave, and what is deployed for each of them now. */
export async function deployedTemplates(head: ReadonlyMap<string, AssemblyTemplate>, plan: Plan, waveName: string, fetch: TemplateFetcher) {
  const wave = plan.waves.find((w) => w.name === waveName);
  if (!wave) throw new Error(`no wave "${waveName}" in the plan (waves: ${plan.waves.map((w) => w.name).join(', ')})`);
  const deployments = new Map(wave.deployments.map((d) => [d.id, d]));
  const waveHead = new Map([...head].filter(([, t]) => t.deployment !== undefined && deployments.has(t.deployment)));
  const base = new Map<string, AssemblyTemplate>();
  for (const [key, t] of waveHead) {
    const d = deployments.get(t.deployment!)!;
    let body: Record<string, unknown> | undefined;
    if (d.kind === 'stackset' && t.name === 'StackSet template') body = await fetch.stackSetTemplate(d.adminAccountId, d.region, d.stackSetName, d.callAs);
    else {
      const [accountId, region] = (t.environment ?? (d.kind === 'stage' ? `${d.accountId}/${d.region}` : `${d.adminAccountId}/${d.region}`)).split('/');
      body = await fetch.stackTemplate(accountId, region, t.name);
    }
    if (body) base.set(key, { ...t, body });
  }
  return { head: waveHead, base };
}
