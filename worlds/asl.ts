/** State machines exactly as synthesized, ready for aws-local-stepfunctions. */
import type { Template } from 'aws-cdk-lib/assertions';

/**
 * The ASL of the template's (only) state machine, with Fn::Join/Fn::GetAtt resolved: each Lambda
 * ARN ends in the function's logical id, so a test can tell tasks apart.
 */
export function synthesizedDefinition(template: Template, env: { account: string; region: string }): Record<string, unknown> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((p) => {
            if (typeof p === 'string') return p;
            const getAtt = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
            if (getAtt) return `arn:aws:lambda:${env.region}:${env.account}:function:${getAtt[0]}`;
            throw new Error(`unexpected token in the definition: ${JSON.stringify(p)}`);
          })
          .join('');
  return JSON.parse(text);
}
