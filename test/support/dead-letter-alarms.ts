/**
 * Every dead-letter queue of a template and whether an alarm watches it. A queue is a DLQ when
 * something hands it what it gave up on: an SQS redrive policy, an SNS subscription's redrive
 * policy, a Lambda function's dead-letter config or on-failure destination, an EventBridge
 * target's dead-letter config, or an event source mapping's on-failure destination. It is watched
 * when a CloudWatch alarm on its ApproximateNumberOfMessagesVisible (QueueName dimension) has an
 * action.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = { Resources?: Record<string, Resource> };

/** The logical id a `{ Fn::GetAtt: [id, 'Arn'] }` or `{ Ref: id }` points at, if it does. */
function target(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  return v['Fn::GetAtt']?.[0] ?? v.Ref;
}

export function deadLetterQueues(template: Template): string[] {
  const resources = template.Resources ?? {};
  const queues = new Set(
    Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id]) => id),
  );
  const found = new Set<string>();
  const add = (value: unknown) => {
    const id = target(value);
    if (id && queues.has(id)) found.add(id);
  };
  for (const r of Object.values(resources)) {
    const p = (r.Properties ?? {}) as Record<string, any>;
    if (r.Type === 'AWS::SQS::Queue') add(p.RedrivePolicy?.deadLetterTargetArn);
    if (r.Type === 'AWS::SNS::Subscription') add(p.RedrivePolicy?.deadLetterTargetArn);
    if (r.Type === 'AWS::Lambda::Function') add(p.DeadLetterConfig?.TargetArn);
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') add(p.DestinationConfig?.OnFailure?.Destination);
    if (r.Type === 'AWS::Lambda::EventSourceMapping') add(p.DestinationConfig?.OnFailure?.Destination);
    if (r.Type === 'AWS::Events::Rule') for (const t of p.Targets ?? []) add(t.DeadLetterConfig?.Arn);
    if (r.Type === 'AWS::Pipes::Pipe') add(p.SourceParameters?.SqsQueueParameters?.DeadLetterConfig?.Arn);
  }
  return [...found].sort();
}

/** The DLQs of a template that no alarm (with an action) watches. */
export function deadLetterQueuesWithoutAlarm(template: Template): string[] {
  const watched = new Set<string>();
  for (const r of Object.values(template.Resources ?? {})) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = (r.Properties ?? {}) as { MetricName?: string; Dimensions?: Array<{ Name: string; Value: unknown }>; AlarmActions?: unknown[] };
    if (p.MetricName !== 'ApproximateNumberOfMessagesVisible' || !p.AlarmActions?.length) continue;
    for (const d of p.Dimensions ?? []) if (d.Name === 'QueueName') watched.add(target(d.Value) ?? '');
  }
  return deadLetterQueues(template).filter((q) => !watched.has(q));
}

/** Every template file below a cloud assembly directory: stacks, StackSet templates, product templates. */
export function templateFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return templateFiles(full);
    return e.name.endsWith('.template.json') ? [full] : [];
  });
}
