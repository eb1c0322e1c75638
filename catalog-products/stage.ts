import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../stages/types';
import { ProductAssetsStack } from './asset-bucket';
import { CatalogStack } from './catalog';
import type { CatalogParameters } from './parameters';

/** The catalog in the home Region, and a product asset bucket in every other governed Region. */
export class CatalogStage extends Stage {
  readonly catalog: CatalogStack;
  readonly regionalAssets: ProductAssetsStack[];
  constructor(scope: Construct, id: string, props: PatternStageProps<CatalogParameters>) {
    super(scope, id, props);
    const org = props.organization;
    this.catalog = new CatalogStack(this, 'Catalog', { stackName: 'platform-catalog', parameters: props.parameters, organization: org });
    this.regionalAssets = org.regions
      .filter((r) => r !== org.homeRegion)
      .map(
        (region) => new ProductAssetsStack(this, `Assets-${region}`, { stackName: 'platform-catalog-assets', env: { account: props.target.accountId, region }, organizationId: org.organizationId! }),
      );
  }
}
