/**
 * The baseliner's state machine exactly as synthesized, ready for aws-local-stepfunctions: the
 * definition is taken from the template and its Lambda ARNs resolved; every Task runs the real
 * steps handler (whose AWS calls the test mocks).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { handler as steps } from '../functions/baseliner/steps';
import { newApp } from '../pipeline/app-context';
import { BaselinerParameters } from '../stages/baseliner/parameters';
import { BaselinerStack } from '../stages/baseliner/baseliner';
import { synthesizedDefinition } from './asl';
import { defaultConfigDir, loadConfigOrThrow } from '../accounts/loader';
import { organizationContext } from '../pipeline/organization-context';

export function synthesizeBaseliner(parameters: Record<string, unknown> = {}, configDir: string = defaultConfigDir()) {
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, fs.mkdtempSync(path.join(os.tmpdir(), 'baseliner-')));
  const stack = new BaselinerStack(app, 'Baseliner', {
    parameters: BaselinerParameters.parse(parameters),
    organization: organizationContext(loadConfigOrThrow(configDir)),
    env: { account: '111111111111', region: 'us-east-1' },
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The ASL of the synthesized template, with Fn::Join/Fn::GetAtt resolved to plain ARNs. */
export function baselinerDefinition(template: Template): Record<string, unknown> {
  return synthesizedDefinition(template, { account: '111111111111', region: 'us-east-1' });
}

export const TASK_STATES = ['PrepareProduct', 'Provision', 'PollRecord', 'ProductSucceeded', 'ProductFailed', 'Summarize', 'NotEnrolled', 'ReportError'] as const;

/**
 * The enrollment gate's answers, call by call, from the scenarios the Go function is tested on
 * (functions/baseliner/enrollment/testdata/scenarios.json): the same verdicts, or the same error.
 */
export const ENROLLMENT_SCENARIOS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'functions', 'baseliner', 'enrollment', 'testdata', 'scenarios.json'), 'utf8')).scenarios as Record<
  string,
  Array<{ output?: { status: string; message: string; checks: number; waitSeconds: number }; error?: string }>
>;
export type EnrollmentScenario = keyof typeof ENROLLMENT_SCENARIOS;

/** A CheckEnrollment handler that answers as the Go function does in that scenario (its last answer repeats). */
export function enrollmentGate(scenario: string): (payload: Record<string, unknown>) => Record<string, unknown> {
  const calls = ENROLLMENT_SCENARIOS[scenario];
  if (!calls) throw new Error(`no enrollment scenario ${scenario}`);
  let n = 0;
  return (payload) => {
    const answer = calls[Math.min(n++, calls.length - 1)];
    if (answer.error) throw Object.assign(new Error(`${answer.error}: denied`), { name: answer.error });
    return { ...payload, ...answer.output, checks: Number(payload.checks) + 1 };
  };
}

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly transitions: number;
}

/** Called around every Task (the benchmark keeps its virtual clock with it). */
export type TaskHook = (state: (typeof TASK_STATES)[number], payload: unknown) => void;

/** Runs the definition on an input, every Wait and Retry pause shortened to nothing. */
export async function runBaseline(
  definition: Record<string, unknown>,
  input: Record<string, unknown>,
  executionName: string,
  beforeTask?: TaskHook,
  checkEnrollment: (payload: Record<string, unknown>) => Record<string, unknown> = enrollmentGate('enrolledAtOnce'),
): Promise<RunResult> {
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const overrides = Object.fromEntries(
    TASK_STATES.map((s) => [
      s,
      async (payload: unknown) => {
        beforeTask?.(s, payload);
        return (await steps(payload as never)) as never;
      },
    ]),
  );
  overrides.CheckEnrollment = async (payload: unknown) => checkEnrollment(payload as Record<string, unknown>) as never;
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: overrides,
      waitTimeOverrides: { WaitForRecord: 0, WaitForEnrollment: 0 },
      retryIntervalOverrides: Object.fromEntries([...TASK_STATES, 'CheckEnrollment'].map((s) => [s, 0])),
    },
    // aws-local-stepfunctions sets StartTime itself; the name is ours.
    context: { Execution: { Name: executionName, Input: input } } as never,
  });
  let transitions = 0;
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      if ((event as { type: string }).type === 'StateEntered') transitions++;
    }
  })();
  try {
    const output = await execution.result;
    await counting;
    return { status: 'SUCCEEDED', output, transitions };
  } catch (err) {
    await counting.catch(() => undefined);
    // The Fail state's "Error: Cause" is the cause of the ExecutionError.
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    return { status: 'FAILED', error: cause ? `${cause.name}: ${cause.message}` : (err as { message?: string }).message, transitions };
  }
}
