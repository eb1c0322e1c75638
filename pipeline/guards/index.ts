/**
 * The guards that run on every synth, all through CDK policy validation:
 *  - CloudFormation Validate (the engine built into CDK synth: schema and lint rules), findings as errors;
 *  - cdk-nag AwsSolutions and Serverless (cdk-nag.ts);
 *  - the AWS Control Tower proactive controls, through cfn-guard (control-tower.ts).
 *
 * The template-based guards see each distinct template once (distinct-templates.ts), cdk-nag one
 * stack per distinct template; acknowledgements of a bare cdk-nag rule cover all its findings
 * (acknowledgements.ts).
 */
import { CloudFormationValidatePlugin, Validations, type App } from 'aws-cdk-lib';
import { RuleLevelAcknowledgements } from './acknowledgements';
import { DistinctStackChecks, StackScopedAwsSolutionsChecks, StackScopedServerlessChecks } from './cdk-nag';
import { ControlTowerGuard } from './control-tower';
import { DistinctTemplates } from './distinct-templates';

export { RuleLevelAcknowledgements } from './acknowledgements';
export { DistinctStackChecks, StackScopedAwsSolutionsChecks, StackScopedServerlessChecks } from './cdk-nag';
export { CONTROL_TOWER_RULES, ControlTowerGuard, listGuardFiles } from './control-tower';
export { DistinctTemplates, embeddedTemplates, groupDistinctTemplates } from './distinct-templates';

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
