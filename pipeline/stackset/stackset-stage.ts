import { Aws, Lazy, Stack, Stage } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import type { OrganizationContext, WorkloadPattern } from '../../stages/types';
import type { PlannedStackSet } from '../planner';
import { StackSetHostSynthesizer, StackSetTemplateSynthesizer } from './synthesizers';

/** What a pattern's template may create: IAM roles (named ones included) and macros CDK uses. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

export interface StackSetStageProps {
  readonly stackSet: PlannedStackSet;
  readonly pattern: WorkloadPattern;
  readonly organization: OrganizationContext;
}

/**
 * One workload pattern of one wave, delivered as a service-managed StackSet: a stage in the
 * StackSet administrator's account (the management account, or the delegated administrator) and
 * home Region, holding one stack with the StackSet resource and its template.
 */
export class StackSetStage extends Stage {
  readonly host: StackSetHostStack;
  constructor(scope: Construct, id: string, props: StackSetStageProps) {
    super(scope, id, { env: { account: props.stackSet.adminAccountId, region: props.stackSet.region } });
    this.host = new StackSetHostStack(this, 'StackSet', props);
  }
}

export class StackSetHostStack extends Stack {
  readonly stackSet: cloudformation.CfnStackSet;
  /** The pattern's own stack, synthesized as the StackSet's template (no account, no Region in it). */
  readonly template: Stack;
  readonly hostSynthesizer: StackSetHostSynthesizer;
  readonly parameters: unknown;
  private readonly templateSynthesizer: StackSetTemplateSynthesizer;

  constructor(scope: Construct, id: string, props: StackSetStageProps) {
    const planned = props.stackSet;
    super(scope, id, {
      stackName: planned.stackName,
      synthesizer: new StackSetHostSynthesizer({ assetAccount: planned.assetAccountId, regions: planned.regions }),
      description: `StackSet ${planned.stackSetName}: ${planned.pattern} for wave ${planned.wave} (platform-delivery)`,
    });
    // The stack binds a copy of the synthesizer it is given (DefaultStackSynthesizer is reusable): use that one.
    this.hostSynthesizer = this.synthesizer as StackSetHostSynthesizer;
    const templateSynthesizer = new StackSetTemplateSynthesizer(this.hostSynthesizer, planned.assetAccountId);
    this.templateSynthesizer = templateSynthesizer;
    this.parameters = planned.parameters;
    // Without construct-path metadata the template of a pattern is the same in every wave that gives
    // it the same parameters, so it is published once.
    const templateScope = new Construct(this, 'Template');
    templateScope.node.setContext(cxapi.PATH_METADATA_ENABLE_CONTEXT, false);
    this.template = props.pattern.createStack(templateScope, props.pattern.stackId, {
      parameters: planned.parameters,
      // Explicitly agnostic: otherwise the template would inherit the stage's account and Region.
      env: { account: Aws.ACCOUNT_ID, region: Aws.REGION },
      synthesizer: templateSynthesizer,
    });

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
      // Known once the template stack (a child, so synthesized first) has been written; references are resolved earlier, hence uncached.
      templateUrl: Lazy.uncachedString({ produce: () => templateSynthesizer.url }),
    });
  }

  /** The hash of the template asset, once synthesized. */
  get templateAssetHash(): string | undefined {
    return this.templateSynthesizer.sourceHash;
  }
}
