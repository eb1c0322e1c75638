import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import * as yaml from 'js-yaml';
import type { Construct } from 'constructs';

/** The bootstrap template the installed CDK toolkit ships (the one `cdk bootstrap` deploys). */
export const TOOLKIT_BOOTSTRAP_TEMPLATE = path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');

/** The template's bootstrap version (its CdkBootstrapVersion parameter value), e.g. 33. */
export function toolkitBootstrapVersion(file: string = TOOLKIT_BOOTSTRAP_TEMPLATE): number {
  const template = yaml.load(fs.readFileSync(file, 'utf8')) as { Resources: { CdkBootstrapVersion: { Properties: { Value: string } } } };
  return Number(template.Resources.CdkBootstrapVersion.Properties.Value);
}

/**
 * cdk-bootstrap as a Service Catalog product: the toolkit's template, included as it is. Qualifier
 * and TrustedAccounts stay parameters; the catalog's template constraint requires TrustedAccounts to
 * include the management account, so the pipeline can deploy into every account that has it.
 */
export class CdkBootstrapProduct extends servicecatalog.ProductStack {
  readonly template: cfninc.CfnInclude;
  constructor(scope: Construct, id: string) {
    super(scope, id, { description: `cdk-bootstrap v${toolkitBootstrapVersion()}: CDK bootstrap resources that trust the delivery pipeline` });
    this.template = new cfninc.CfnInclude(this, 'Toolkit', { templateFile: TOOLKIT_BOOTSTRAP_TEMPLATE });
  }
}
