/** What the guards found in a synth, read from its cdk.out/validation-report.json. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARD_PLUGIN_NAMES } from './guards';

interface Report {
  pluginReports: Array<{ pluginName: string; metadata?: Record<string, string>; violations: unknown[]; suppressedViolations?: Array<{ ruleName: string; reason?: string }> }>;
}

/** The summary printed after every synth, and whether a guard found anything. */
export function guardSummary(outdir: string): { text: string; findings: number } {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return { text: 'Guards: no findings reported (no validation report was written).\n', findings: 0 };
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  // CDK leaves out a plugin whose report is clean (nothing found, nothing acknowledged).
  for (const name of GUARD_PLUGIN_NAMES) {
    if (!report.pluginReports.some((p) => p.pluginName === name)) report.pluginReports.push({ pluginName: name, violations: [], suppressedViolations: [] });
  }
  const lines = report.pluginReports.map((p) => {
    const distinct = p.metadata?.distinctTemplates ? `, templates validated: ${p.metadata.distinctTemplates}` : '';
    return `  ${p.pluginName}: ${p.violations.length} findings, ${p.suppressedViolations?.length ?? 0} acknowledged with a reason${distinct}`;
  });
  return { text: `Guards (every synth):\n${lines.join('\n')}\n`, findings: report.pluginReports.reduce((n, p) => n + p.violations.length, 0) };
}
