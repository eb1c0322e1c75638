import * as path from 'node:path';
import { Aws, FileAssetPackaging, Stack, Stage } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { Construct } from 'constructs';
import type { WorkloadPattern } from '../../stages/types';
import type { PlannedStackSet } from '../planner';
import { StackSetHostSynthesizer, StackSetTemplateSynthesizer } from './synthesizers';

/** What a pattern's template may create: IAM roles (named ones included) and macros CDK uses. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

/**
 * The StackSet template of one pattern with one set of parameters: the pattern's own stack, with
 * no account and no Region, in a stage of its own that the pipeline never deploys. Its construct
 * path names no wave, so every wave that gives the pattern these parameters gets the same
 * template, byte for byte: what the first wave proved is what the next one receives.
 */
export class StackSetTemplateStage extends Stage {
  readonly template: Stack;
  readonly templateSynthesizer: StackSetTemplateSynthesizer;
  readonly parameters: unknown;

  constructor(scope: Construct, id: string, props: { pattern: WorkloadPattern; parameters: unknown; assetAccount: string }) {
    super(scope, id);
    this.parameters = props.parameters;
    this.templateSynthesizer = new StackSetTemplateSynthesizer(props.assetAccount);
    this.template = props.pattern.createStack(this, props.pattern.stackId, {
      parameters: props.parameters,
      // Explicitly agnostic (tokens), whatever the stage around it says.
      env: { account: Aws.ACCOUNT_ID, region: Aws.REGION },
      synthesizer: this.templateSynthesizer,
    });
  }

  /** The template file and its hash, synthesizing the stage the first time it is asked. */
  synthesizedTemplate(): { file: string; sourceHash: string } {
    if (!this.templateSynthesizer.template) this.synth();
    return this.templateSynthesizer.template!;
  }
}

const templates = new WeakMap<Construct, Map<string, StackSetTemplateStage>>();

/** The one template stage for a pattern and its parameters below `scope` (created on first use). */
export function stackSetTemplate(scope: Construct, pattern: WorkloadPattern, parameters: unknown, assetAccount: string): StackSetTemplateStage {
  const byKey = templates.get(scope) ?? new Map<string, StackSetTemplateStage>();
  templates.set(scope, byKey);
  const key = `${pattern.id}|${assetAccount}|${JSON.stringify(parameters)}`;
  let stage = byKey.get(key);
  if (!stage) {
    const same = [...byKey.keys()].filter((k) => k.startsWith(`${pattern.id}|`)).length;
    stage = new StackSetTemplateStage(scope, `stackset-template-${pattern.id}${same === 0 ? '' : `-${same + 1}`}`, { pattern, parameters, assetAccount });
    byKey.set(key, stage);
  }
  return stage;
}

export interface StackSetStageProps {
  readonly stackSet: PlannedStackSet;
  readonly template: StackSetTemplateStage;
}

/**
 * One workload pattern of one wave, delivered as a service-managed StackSet: a stage in the
 * StackSet administrator's account (the management account, or the delegated administrator) and
 * home Region, holding one stack with the StackSet resource.
 */
export class StackSetStage extends Stage {
  readonly host: StackSetHostStack;
  readonly template: StackSetTemplateStage;
  constructor(scope: Construct, id: string, props: StackSetStageProps) {
    super(scope, id, { env: { account: props.stackSet.adminAccountId, region: props.stackSet.region } });
    this.template = props.template;
    this.host = new StackSetHostStack(this, 'StackSet', props);
  }
}

export class StackSetHostStack extends Stack {
  readonly stackSet: cloudformation.CfnStackSet;
  /** The pattern's own stack, synthesized as the StackSet's template (no account, no Region in it). */
  readonly template: Stack;
  readonly hostSynthesizer: StackSetHostSynthesizer;

  constructor(scope: Construct, id: string, props: StackSetStageProps) {
    const planned = props.stackSet;
    super(scope, id, {
      stackName: planned.stackName,
      synthesizer: new StackSetHostSynthesizer({ assetAccount: planned.assetAccountId, regions: planned.regions }),
      description: `StackSet ${planned.stackSetName}: ${planned.pattern} for wave ${planned.wave} (platform-delivery)`,
    });
    // The stack binds a copy of the synthesizer it is given (DefaultStackSynthesizer is reusable): use that one.
    this.hostSynthesizer = this.synthesizer as StackSetHostSynthesizer;
    this.template = props.template.template;

    // The template and its code, published by this host: paths relative to this stage's assembly.
    const here = Stage.of(this)!.outdir;
    const fromTemplateStage = (fileName: string) => path.relative(here, path.resolve(props.template.outdir, fileName));
    const synthesized = props.template.synthesizedTemplate();
    const templateUrl = this.hostSynthesizer.addFileAsset({
      sourceHash: synthesized.sourceHash,
      fileName: path.relative(here, synthesized.file),
      packaging: FileAssetPackaging.FILE,
      displayName: `${planned.pattern} StackSet template`,
    }).httpUrl;
    for (const asset of props.template.templateSynthesizer.assets) {
      this.hostSynthesizer.addStackSetAsset({ ...asset.source, fileName: fromTemplateStage(asset.source.fileName!) }, asset.objectKey);
    }

    const p = planned.preferences;
    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: planned.stackSetName,
      description: `${planned.pattern} for wave ${planned.wave} (platform-delivery)`,
      permissionModel: 'SERVICE_MANAGED',
      callAs: planned.callAs,
      autoDeployment: { enabled: planned.autoDeployment, retainStacksOnAccountRemoval: planned.autoDeployment ? p.retainStacksOnAccountRemoval : undefined },
      managedExecution: { Active: true },
      capabilities: CAPABILITIES,
      operationPreferences: {
        maxConcurrentPercentage: p.maxConcurrentPercentage,
        failureTolerancePercentage: p.failureTolerancePercentage,
        regionConcurrencyType: p.regionConcurrency,
        regionOrder: p.regionOrder?.length ? [...p.regionOrder] : undefined,
        concurrencyMode: p.concurrencyMode,
      },
      stackInstancesGroup: planned.groups.map((g) => ({
        regions: [...g.regions],
        deploymentTargets: {
          organizationalUnitIds: [...g.organizationalUnitIds],
          ...(g.accounts.length > 0 ? { accounts: [...g.accounts], accountFilterType: g.accountFilter } : {}),
        },
      })),
      templateUrl,
    });
  }
}
