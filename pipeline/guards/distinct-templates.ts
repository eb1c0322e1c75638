/**
 * Each distinct template validated once: copies of a pattern that differ only by account id (or by
 * the construct path that names the copy) are grouped, and a finding on one is reported on each.
 * Service Catalog product templates and StackSet templates, which are assets rather than stacks of
 * the assembly, are found and validated too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { CfnElement, Stack, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type PolicyValidationStack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { StackSetTemplateSynthesizer } from '../stackset/synthesizers';
import { isTemplateAsset } from '../template-lint';
import { PluginWrapper } from './plugin-wrapper';

/** A StackSet's template: a stack of its own, written as a file rather than as a stack of the assembly. */
export function isStackSetTemplate(c: IConstruct): c is Stack {
  return Stack.isStack(c) && c.synthesizer instanceof StackSetTemplateSynthesizer;
}

/** Validates each distinct template once and reports its findings on every copy. */
export class DistinctTemplates extends PluginWrapper<IPolicyValidationPlugin> {
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // Service Catalog product templates and StackSet templates are assets, not stacks: validate them too.
    const products = embeddedTemplates(context.templatePaths, context.appConstruct).map((templatePath) => ({ stackConstructPath: '', templatePath, accountId: undefined, region: undefined }));
    const groups = groupDistinctTemplates([...context.stackTemplates, ...products]);
    const productPaths = embeddedConstructPaths(context.appConstruct);
    const representatives = [...groups.keys()];
    const report = this.inner.validate({
      ...context,
      templatePaths: representatives.map((s) => s.templatePath),
      stackTemplates: representatives,
      accountId: undefined,
      region: undefined,
    });
    const repOf = new Map(representatives.map((r) => [path.resolve(r.templatePath), r]));
    const idMaps = new Map<PolicyValidationStack, Map<string, string>>();
    const idIn = (rep: PolicyValidationStack, copy: PolicyValidationStack, id: string | undefined) => {
      if (!id || copy === rep) return id;
      if (!idMaps.has(copy)) idMaps.set(copy, logicalIdMap(rep, copy));
      return idMaps.get(copy)!.get(id) ?? id;
    };
    const violations = report.violations.map((v) => ({
      ...v,
      violatingResources: v.violatingResources.flatMap((r) => {
        const rep = r.templatePath ? repOf.get(path.resolve(r.templatePath)) : undefined;
        if (!rep) return [r];
        return groups.get(rep)!.map((copy) => {
          const resourceLogicalId = idIn(rep, copy, r.resourceLogicalId);
          // CDK finds construct paths of stack templates only; a product template carries its own.
          const constructPath = copy.stackConstructPath === '' ? productPaths(copy.templatePath, resourceLogicalId) : undefined;
          return { ...r, templatePath: copy.templatePath, resourceLogicalId, ...(constructPath ? { constructPath } : {}) };
        });
      }),
    }));
    return {
      ...report,
      violations,
      metadata: { ...report.metadata, distinctTemplates: `${representatives.length} of ${context.stackTemplates.length + products.length}` },
    };
  }
}

/**
 * Groups stacks whose templates are the same once what names the copy is masked: the account id,
 * the construct path (metadata), and the unique ids CDK derives from it (some logical ids and Sids).
 * The Region stays part of the identity: rules may differ by Region.
 */
export function groupDistinctTemplates(stacks: readonly PolicyValidationStack[]): Map<PolicyValidationStack, PolicyValidationStack[]> {
  const byKey = new Map<string, PolicyValidationStack>();
  const groups = new Map<PolicyValidationStack, PolicyValidationStack[]>();
  for (const stack of stacks) {
    const key = `${stack.region ?? '?'}\n${normalizedTemplate(stack)}`;
    const rep = byKey.get(key);
    if (rep) groups.get(rep)!.push(stack);
    else {
      byKey.set(key, stack);
      groups.set(stack, [stack]);
    }
  }
  return groups;
}

/** Product templates (`*.product.template.json`) and StackSet templates written beside the stack templates. */
export function embeddedTemplates(templatePaths: readonly string[], app?: IConstruct): string[] {
  const dirs = new Set(templatePaths.map((p) => path.dirname(p)));
  // Current product versions are written as *.product.template.json; released ones are file assets (asset.<hash>.json).
  const products = [...dirs].flatMap((d) =>
    fs.existsSync(d)
      ? fs
          .readdirSync(d)
          .map((f) => path.join(d, f))
          .filter((f) => f.endsWith('.product.template.json') || isTemplateAsset(f))
      : [],
  );
  // StackSet templates live in stages of their own, which hold no stack of the assembly.
  const stackSets = (app?.node.findAll() ?? []).filter(isStackSetTemplate).flatMap((t) => {
    const file = (t.synthesizer as StackSetTemplateSynthesizer).template?.file;
    return file && fs.existsSync(file) ? [file] : [];
  });
  return [...new Set([...products, ...stackSets])].sort();
}

/**
 * Construct paths in product and StackSet templates, from the app's stacks that write them: a
 * resource's own construct, or for a finding on the template itself (a parameter, an output) the stack.
 */
function embeddedConstructPaths(app: IConstruct | undefined): (templatePath: string, logicalId: string | undefined) => string | undefined {
  const byFile = new Map<string, { stack: Stack; ids?: Map<string, string> }>();
  for (const c of app?.node.findAll() ?? []) {
    if (c instanceof servicecatalog.ProductStack) byFile.set(c.templateFile, { stack: c });
    else if (isStackSetTemplate(c) && (c.synthesizer as StackSetTemplateSynthesizer).template) byFile.set(path.basename((c.synthesizer as StackSetTemplateSynthesizer).template!.file), { stack: c });
  }
  return (templatePath, logicalId) => {
    const entry = byFile.get(path.basename(templatePath));
    if (!entry) return undefined;
    entry.ids ??= new Map(
      entry.stack.node
        .findAll()
        .filter((c): c is CfnElement => CfnElement.isCfnElement(c))
        .map((el) => [entry.stack.resolve(el.logicalId) as string, el.node.path]),
    );
    return (logicalId && entry.ids.get(logicalId)) || entry.stack.node.path;
  };
}

function normalizedTemplate(stack: PolicyValidationStack): string {
  let text = fs.readFileSync(stack.templatePath, 'utf8');
  if (stack.stackConstructPath) text = text.split(`"${stack.stackConstructPath}/`).join('"<STACK>/');
  const squashed = stack.stackConstructPath.replace(/[^A-Za-z0-9]/g, '');
  if (squashed) text = text.replace(new RegExp(`${squashed}[A-Za-z0-9]*`, 'g'), '<STACK>');
  if (stack.accountId) text = text.split(stack.accountId).join('<ACCOUNT>');
  return text;
}

/** Logical id → the same resource's logical id in another copy, matched by construct path. */
function logicalIdMap(from: PolicyValidationStack, to: PolicyValidationStack): Map<string, string> {
  const byPath = (stack: PolicyValidationStack) => {
    const template = JSON.parse(fs.readFileSync(stack.templatePath, 'utf8')) as { Resources?: Record<string, { Metadata?: Record<string, unknown> }> };
    const out = new Map<string, string>();
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      const p = r.Metadata?.['aws:cdk:path'];
      if (typeof p === 'string') out.set(p.slice(stack.stackConstructPath.length), id);
    }
    return out;
  };
  const target = byPath(to);
  const map = new Map<string, string>();
  for (const [rel, id] of byPath(from)) {
    const other = target.get(rel);
    if (other) map.set(id, other);
  }
  return map;
}
