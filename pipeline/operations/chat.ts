/**
 * Pipeline notices in chat: the platform topic to a Slack channel or a Microsoft Teams channel
 * through AWS Chatbot (now Amazon Q Developer in chat applications). Notices only: the channel's
 * role may read alarms and pipelines to render them, and its guardrail allows no more.
 */
import { Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Operations } from '../../accounts/schema';

/** What a notices-only channel needs to render the notices it receives. */
export const CHAT_READ_ACTIONS = ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'codepipeline:GetPipelineExecution', 'codepipeline:GetPipelineState'];

export class ChatNotifications extends Construct {
  readonly channels: string[] = [];

  constructor(scope: Construct, id: string, props: { chat: NonNullable<Operations['chat']>; topic: sns.ITopic; name: string }) {
    super(scope, id);
    const read = new iam.PolicyStatement({ actions: CHAT_READ_ACTIONS, resources: ['*'] });
    const guardrail = new iam.ManagedPolicy(this, 'Guardrail', { description: `${props.name}: what the chat channel may do (read its notices' alarms and pipelines)`, statements: [read] });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: `${props.name}: AWS Chatbot channel role (notices only)`,
      managedPolicies: [guardrail],
    });
    const reason = 'DescribeAlarms, GetMetricData and the pipeline reads Chatbot uses to render a notice accept no narrower resource in a notices-only channel; the actions are read-only and listed.';
    Validations.of(guardrail).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason });
    Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason });
    if (props.chat.slack) {
      new chatbot.CfnSlackChannelConfiguration(this, 'Slack', {
        configurationName: `${props.name}-slack`.slice(0, 128),
        slackWorkspaceId: props.chat.slack.workspaceId,
        slackChannelId: props.chat.slack.channelId,
        iamRoleArn: role.roleArn,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: [guardrail.managedPolicyArn],
        loggingLevel: 'ERROR',
      });
      this.channels.push('slack');
    }
    if (props.chat.teams) {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: `${props.name}-teams`.slice(0, 128),
        teamId: props.chat.teams.teamId,
        teamsTenantId: props.chat.teams.tenantId,
        // CloudFormation takes the channel id URL-encoded (19%3A…%40thread.tacv2).
        teamsChannelId: encodeURIComponent(decodeURIComponent(props.chat.teams.channelId)),
        iamRoleArn: role.roleArn,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: [guardrail.managedPolicyArn],
        loggingLevel: 'ERROR',
      });
      this.channels.push('teams');
    }
  }
}
