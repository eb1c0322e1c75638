/**
 * The guards that run on every synth, all through CDK policy validation:
 *  - CloudFormation Validate (the engine built into CDK synth: schema and lint rules), findings as errors;
 *  - cdk-nag AwsSolutions and Serverless;
 *  - the AWS Control Tower proactive controls, through cfn-guard.
 *
 * The two template-based guards see each distinct template once: copies of a pattern that differ
 * only by account id are validated once and their findings reported for every copy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import {
  CfnElement,
  type CfnResource,
  CloudFormationValidatePlugin,
  Stack,
  Validations,
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type PolicyValidationStack,
  type PolicyViolation,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { StackSetTemplateSynthesizer } from './stackset/synthesizers';
import { isTemplateAsset } from './template-lint';

/** Context key that turns the guards off (`-c guards=false`), for measuring their cost only. */
export const GUARDS_CONTEXT = 'guards';

export function guardsEnabled(app: App): boolean {
  const v: unknown = app.node.tryGetContext(GUARDS_CONTEXT);
  return v !== false && v !== 'false' && process.env.CDK_VALIDATION !== 'false';
}

/** The guards' plugin names, as they appear in cdk.out/validation-report.json. */
export const GUARD_PLUGIN_NAMES = [CloudFormationValidatePlugin.PLUGIN_NAME, 'cdk-validator-cfnguard', 'AwsSolutions', 'Serverless'] as const;

/** Registers every guard on the app. The app must be created with builtinCloudFormationValidation: false. */
export function addGuards(app: App): void {
  if (!guardsEnabled(app)) return;
  Validations.of(app).addPlugins(
    new DistinctTemplates(new CloudFormationValidatePlugin()),
    new DistinctTemplates(new ControlTowerGuard()),
    new RuleLevelAcknowledgements(new DistinctStackChecks(new StackScopedAwsSolutionsChecks(app))),
    new RuleLevelAcknowledgements(new DistinctStackChecks(new StackScopedServerlessChecks(app))),
  );
}

interface TemplatePlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport;
}

/** A plugin that changes how another one is called or reported, under the other's name (acknowledgement ids use it). */
abstract class PluginWrapper<P extends TemplatePlugin> implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  constructor(protected readonly inner: P) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }
  abstract validate(context: IPolicyValidationContext): PolicyValidationPluginReport;
}

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

/** A StackSet's template: a stack of its own, written as a file rather than as a stack of the assembly. */
function isStackSetTemplate(c: IConstruct): c is Stack {
  return Stack.isStack(c) && c.synthesizer instanceof StackSetTemplateSynthesizer;
}

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
export class DistinctStackChecks implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  constructor(private readonly inner: IPolicyValidationPlugin & { validateStack(stack: Stack): PolicyValidationPluginReport }) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

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

/** The Control Tower proactive-control rules that ship with @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/**
 * The Control Tower rules through cfn-guard, given only the rule files that name a resource type
 * present in the templates. A rule can only fail on resources of its own types, so the result is
 * the same; cfn-guard runs about five times faster on a pattern stack.
 */
export class ControlTowerGuard implements TemplatePlugin {
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

/** Validates each distinct template once and reports its findings on every copy. */
export class DistinctTemplates extends PluginWrapper<TemplatePlugin> {
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
