/** The AWS Control Tower proactive controls, through cfn-guard. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/** The Control Tower proactive-control rules that ship with @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/**
 * The Control Tower rules through cfn-guard, given only the rule files that name a resource type
 * present in the templates. A rule can only fail on resources of its own types, so the result is
 * the same; cfn-guard runs about five times faster on a pattern stack.
 */
export class ControlTowerGuard implements IPolicyValidationPlugin {
  readonly name = 'cdk-validator-cfnguard';
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly rules: ReadonlyArray<{ file: string; types: ReadonlySet<string> }>;

  constructor(rulesDir: string = CONTROL_TOWER_RULES) {
    const all = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    this.version = all.version;
    this.ruleIds = all.ruleIds;
    this.rules = listGuardFiles(rulesDir).map((file) => ({ file, types: new Set(fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) }));
  }

  /** The rule files that apply to these resource types. */
  rulesFor(types: ReadonlySet<string>): string[] {
    return this.rules.filter((r) => [...r.types].some((t) => types.has(t))).map((r) => r.file);
  }

  /** The rule files that apply to the resource types of these templates. */
  rulesForTemplates(files: readonly string[]): string[] {
    const types = new Set<string>();
    for (const file of files) {
      const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string }> };
      for (const r of Object.values(template.Resources ?? {})) types.add(r.Type);
    }
    return this.rulesFor(types);
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const rules = this.rulesForTemplates(context.templatePaths);
    if (rules.length === 0) return { success: true, violations: [] };
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
  }
}

export function listGuardFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listGuardFiles(full);
    return e.name.endsWith('.guard') ? [full] : [];
  });
}
