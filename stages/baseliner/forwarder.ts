import { Aws, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { alarmOnWaitingMessages, notificationTopic } from '../shared/alarms';
import { patternKey } from '../shared/pattern-key';
import { deadLetterQueue } from '../shared/queues';

import { allowEventBridgeDeadLetters, MOVE_ACCOUNT_PATTERN } from './baseliner';

/**
 * Organizations events reach EventBridge in us-east-1 only. When the home Region is another, this
 * stack (in us-east-1) forwards MoveAccount events to the home Region's default bus: a rule and
 * the role EventBridge assumes to put them there, no Lambda.
 */
export class OrganizationsEventsForwarder extends Stack {
  readonly rule: events.Rule;
  constructor(scope: Construct, id: string, props: { homeRegion: string; notifyEmail?: string; stackName?: string; env?: { account?: string; region?: string } }) {
    super(scope, id, { stackName: props.stackName, env: props.env, description: `baseliner: forwards Organizations MoveAccount events from us-east-1 to ${props.homeRegion} (platform-delivery)` });
    const homeBus = events.EventBus.fromEventBusArn(this, 'HomeBus', `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`);
    this.rule = new events.Rule(this, 'AccountMoved', { description: `Forward MoveAccount to the baseliner in ${props.homeRegion}`, eventPattern: MOVE_ACCOUNT_PATTERN });
    // Alarm actions stay in their Region: the forwarder has its own key and topic for its one alarm.
    const key = patternKey(this, 'Key', 'baseliner forwarder: undelivered events and their alarm');
    const undelivered = deadLetterQueue(this, 'Undelivered', key, 'the forwarding rule');
    this.rule.addTarget(new targets.EventBus(homeBus, { deadLetterQueue: undelivered }));
    allowEventBridgeDeadLetters(key, this.rule.node.id);
    const topic = notificationTopic(this, 'Alarms', key, 'baseliner forwarder', props.notifyEmail);
    alarmOnWaitingMessages(this, 'UndeliveredWaiting', undelivered, topic, `baseliner: a MoveAccount event could not be forwarded to ${props.homeRegion} (see the Undelivered queue)`);
  }
}
