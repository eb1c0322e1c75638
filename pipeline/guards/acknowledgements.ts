import { Validations, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PluginWrapper } from './plugin-wrapper';

/**
 * cdk-nag v3 names a finding `AwsSolutions-IAM5[Resource::…]` and matches acknowledgements to the
 * finding exactly. CDK's contract is that an acknowledgement without `where` covers every occurrence
 * of its rule, so an acknowledgement of the bare rule (`AwsSolutions::AwsSolutions-IAM5`) on a
 * construct is applied to all of that rule's findings below it, and reported with its reason.
 */
export class RuleLevelAcknowledgements extends PluginWrapper<IPolicyValidationPlugin> {
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    const namespace = this.name;
    const byPath = new Map(context.appConstruct.node.findAll().map((c) => [c.node.path, c]));
    const acknowledgedUp = (constructPath: string | undefined, ruleId: string): boolean => {
      // Start from the nearest construct that exists (a reported path may name a generated child).
      let at = constructPath ?? '';
      while (at && !byPath.has(at)) at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '';
      let node: IConstruct | undefined = at ? byPath.get(at) : undefined;
      for (; node; node = node.node.scope) {
        for (const entry of node.node.metadata) {
          if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && `${namespace}::${ruleId}` in entry.data) return true;
        }
      }
      return false;
    };
    const violations: PolicyViolation[] = [];
    for (const v of report.violations) {
      const bare = /^([^[]+)\[.+\]$/.exec(v.ruleName)?.[1];
      if (!bare) {
        violations.push(v);
        continue;
      }
      const covered = v.violatingResources.filter((r) => acknowledgedUp(r.constructPath, bare));
      const rest = v.violatingResources.filter((r) => !covered.includes(r));
      if (rest.length > 0) violations.push({ ...v, violatingResources: rest });
      if (covered.length > 0) violations.push({ ...v, ruleName: bare, violatingResources: covered });
    }
    return { ...report, violations };
  }
}
