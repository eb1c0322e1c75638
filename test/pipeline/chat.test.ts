/** Chat notices: the config's Slack and Teams channels on the platform topic, notices-only, and every guard passes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Operations } from '../../accounts/schema';
import { newApp } from '../../pipeline/app-context';
import { addGuards } from '../../pipeline/guards';
import { ChatNotifications, CHAT_READ_ACTIONS } from '../../pipeline/operations/chat';

const chat = {
  slack: { workspaceId: 'T012ABCDEF', channelId: 'C012ABCDEF' },
  teams: { teamId: '3c8e4b1a-1111-4222-8333-444455556666', tenantId: '9f1e2d3c-aaaa-4bbb-8ccc-ddddeeeeffff', channelId: '19:abc@thread.tacv2' },
};

describe('chat notices', () => {
  it('subscribes a Slack and a Teams channel to the platform topic with a read-only guardrail, and passes every guard', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-'));
    const app = newApp({}, outdir);
    const stack = new Stack(app, 'Chat', { env: { account: '111111111111', region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
    new ChatNotifications(stack, 'Chat', { chat: Operations.parse({ chat }).chat!, topic, name: 'platform-delivery' });
    addGuards(app);
    expect(() => app.synth()).not.toThrow();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T012ABCDEF',
      SlackChannelId: 'C012ABCDEF',
      SnsTopicArns: [{ Ref: Object.keys(t.findResources('AWS::SNS::Topic'))[0] }],
    });
    t.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', { TeamId: chat.teams.teamId, TeamsTenantId: chat.teams.tenantId, TeamsChannelId: '19%3Aabc%40thread.tacv2' });
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: CHAT_READ_ACTIONS, Resource: '*' }]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('refuses ids that are not Slack’s or Teams’ with what they look like', () => {
    const issues = Operations.safeParse({ chat: { slack: { workspaceId: 'my workspace', channelId: '#general' }, teams: { teamId: 'team', tenantId: 'x', channelId: 'c' } } }).error!.issues.map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    );
    expect(issues).toEqual([
      'chat.slack.workspaceId: a Slack workspace id looks like T012ABCDEF (AWS Chatbot console → the workspace)',
      'chat.slack.channelId: a Slack channel id looks like C012ABCDEF (channel details in Slack)',
      'chat.teams.teamId: a Microsoft Teams team id is a UUID',
      'chat.teams.tenantId: a Microsoft Teams tenant id is a UUID',
      'chat.teams.channelId: a Teams channel id looks like 19:abc123@thread.tacv2 (from the channel link; URL-encoded is fine too)',
    ]);
  });
});
