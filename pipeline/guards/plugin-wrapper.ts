import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/** A plugin that changes how another one is called or reported, under the other's name (acknowledgement ids use it). */
export abstract class PluginWrapper<P extends IPolicyValidationPlugin> implements IPolicyValidationPlugin {
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
