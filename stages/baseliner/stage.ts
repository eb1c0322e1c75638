import { Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PatternStageProps } from '../types';
import { BaselinerStack } from './baseliner';
import { OrganizationsEventsForwarder } from './forwarder';
import type { BaselinerParameters } from './parameters';

/** Where AWS Organizations delivers its CloudTrail events to EventBridge. */
export const ORGANIZATIONS_EVENTS_REGION = 'us-east-1';

export class BaselinerStage extends Stage {
  readonly stack: BaselinerStack;
  /** Only when the home Region is not us-east-1, where Organizations events arrive. */
  readonly forwarder?: OrganizationsEventsForwarder;
  constructor(scope: Construct, id: string, props: PatternStageProps<BaselinerParameters>) {
    super(scope, id, props);
    this.stack = new BaselinerStack(this, 'Baseliner', { stackName: 'platform-baseliner', parameters: props.parameters, organization: props.organization });
    const home = props.organization.homeRegion;
    if (home !== ORGANIZATIONS_EVENTS_REGION) {
      this.forwarder = new OrganizationsEventsForwarder(this, 'OrganizationsEvents', {
        homeRegion: home,
        notifyEmail: props.parameters.notifyEmail,
        stackName: 'platform-baseliner-org-events',
        env: { account: props.organization.managementAccount, region: ORGANIZATIONS_EVENTS_REGION },
      });
    }
  }
}
