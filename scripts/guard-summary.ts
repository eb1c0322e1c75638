/** Prints what the guards found in the last synth (cdk.out/validation-report.json). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARD_PLUGIN_NAMES } from '../pipeline/guards';

interface Report {
  pluginReports: Array<{ pluginName: string; metadata?: Record<string, string>; violations: unknown[]; suppressedViolations?: Array<{ ruleName: string; reason?: string }> }>;
}

const file = path.join(process.argv[2] ?? 'cdk.out', 'validation-report.json');
if (!fs.existsSync(file)) {
  process.stdout.write('Guards: no findings reported (no validation report was written).\n');
} else {
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  // CDK leaves out a plugin whose report is clean (nothing found, nothing acknowledged).
  for (const name of GUARD_PLUGIN_NAMES) {
    if (!report.pluginReports.some((p) => p.pluginName === name)) report.pluginReports.push({ pluginName: name, violations: [], suppressedViolations: [] });
  }
  const lines = report.pluginReports.map((p) => {
    const distinct = p.metadata?.distinctTemplates ? `, templates validated: ${p.metadata.distinctTemplates}` : '';
    return `  ${p.pluginName}: ${p.violations.length} findings, ${p.suppressedViolations?.length ?? 0} acknowledged with a reason${distinct}`;
  });
  process.stdout.write(`Guards (every synth):\n${lines.join('\n')}\n`);
  process.exitCode = report.pluginReports.some((p) => p.violations.length > 0) ? 1 : 0;
}
