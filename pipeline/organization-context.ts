import type { Config } from '../accounts/config';
import type { OrganizationContext } from '../stages/types';

/** What stages may know of the organization, from the loaded config. */
export function organizationContext(config: Config): OrganizationContext {
  const org = config.organization;
  return {
    managementAccount: org.management.account,
    homeRegion: org.management.homeRegion,
    pipelineName: org.pipeline.name,
    organizationId: org.management.organizationId,
    regions: org.regions,
    organizationalUnits: org.organizationalUnits,
    accounts: org.accounts.map((a) => ({ name: a.name, id: a.id, ou: a.ou })),
    configDir: config.dir,
  };
}
