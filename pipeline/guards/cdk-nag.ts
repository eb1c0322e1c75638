/** cdk-nag's AwsSolutions and Serverless packs, one stack at a time, one stack per distinct template. */
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Stack, type CfnResource, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { groupDistinctTemplates, isStackSetTemplate } from './distinct-templates';
import { PluginWrapper } from './plugin-wrapper';

/** The stack whose template holds a resource: product and nested stacks count as their parent's. */
function templateStack(node: IConstruct): Stack {
  let stack = Stack.of(node);
  while ((stack instanceof servicecatalog.ProductStack || stack.nested) && stack.node.scope) stack = Stack.of(stack.node.scope);
  return stack;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base takes any[]
type NagPackClass = new (...args: any[]) => AwsSolutionsChecks;

/**
 * A cdk-nag pack that can check the resources of one stack only. cdk-nag walks the whole tree
 * below the scope it is given, and stages are children of the pipeline stack, so checking the
 * pipeline stack would check every stage again.
 */
function stackScoped<P extends NagPackClass>(Pack: P) {
  return class StackScoped extends Pack {
    private only?: Stack;

    validateStack(stack: Stack): PolicyValidationPluginReport {
      this.only = stack;
      try {
        return this.validateScope(stack);
      } finally {
        this.only = undefined;
      }
    }

    protected checkResource(node: CfnResource): void {
      if (!this.only || templateStack(node) === this.only) super.checkResource(node);
    }
  };
}

/** cdk-nag AwsSolutions, one stack at a time. */
export const StackScopedAwsSolutionsChecks = stackScoped(AwsSolutionsChecks);
/** cdk-nag Serverless (Lambda, SQS, SNS, Step Functions, EventBridge, API Gateway practices), one stack at a time. */
export const StackScopedServerlessChecks = stackScoped(ServerlessChecks as unknown as typeof AwsSolutionsChecks);

/**
 * cdk-nag walks the construct tree, so every copy of a pattern would be checked again. This checks
 * one stack per distinct template (grouped as DistinctTemplates groups them) and reports each
 * finding on the same construct path in every copy. Copies are built by the same code with the same
 * parameters (their templates are equal), so they carry the same acknowledgements too.
 */
export class DistinctStackChecks extends PluginWrapper<IPolicyValidationPlugin & { validateStack(stack: Stack): PolicyValidationPluginReport }> {
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app = context.appConstruct;
    if (!app) return this.inner.validate(context);
    const stacks = new Map(
      app.node
        .findAll()
        .filter((c): c is Stack => Stack.isStack(c))
        .map((c) => [c.node.path, c]),
    );
    const byRule = new Map<string, PolicyViolation>();
    let success = true;
    const groups = groupDistinctTemplates(context.stackTemplates);
    const checks = [...groups].map(([rep, copies]) => ({ rep: rep.stackConstructPath, copies: copies.map((c) => c.stackConstructPath) }));
    // StackSet templates are not stacks of the assembly: each is checked once, as itself.
    for (const template of stacks.values()) if (isStackSetTemplate(template)) checks.push({ rep: template.node.path, copies: [template.node.path] });
    for (const { rep, copies } of checks) {
      const stack = stacks.get(rep);
      if (!stack) continue;
      const report = this.inner.validateStack(stack);
      success &&= report.success;
      for (const v of report.violations) {
        const merged = byRule.get(v.ruleName) ?? { ...v, violatingResources: [] };
        byRule.set(v.ruleName, merged);
        for (const r of v.violatingResources) {
          for (const copy of copies) {
            const constructPath = r.constructPath?.startsWith(`${rep}/`) ? `${copy}${r.constructPath.slice(rep.length)}` : r.constructPath;
            merged.violatingResources.push({ ...r, constructPath });
          }
        }
      }
    }
    return {
      success: success && byRule.size === 0,
      violations: [...byRule.values()],
      metadata: { distinctStacks: `${checks.length} of ${context.stackTemplates.length + checks.length - groups.size}` },
    };
  }
}
