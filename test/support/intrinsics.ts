/**
 * Evaluates the CloudFormation intrinsics that physical names are built from (Ref to a pseudo
 * parameter, Fn::Join, Fn::Select, Fn::Split, Fn::Sub with pseudo parameters) for one stack
 * identity, the way CloudFormation would at deploy time. Anything else is left as `<unresolved>`.
 */
export interface StackIdentity {
  readonly 'AWS::StackName': string;
  readonly 'AWS::StackId': string;
  readonly 'AWS::AccountId': string;
  readonly 'AWS::Region': string;
  readonly 'AWS::Partition'?: string;
  readonly 'AWS::URLSuffix'?: string;
}

export function stackIdentity(stackName: string, uuid: string, account = '444444444444', region = 'us-east-1'): StackIdentity {
  return { 'AWS::StackName': stackName, 'AWS::StackId': `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${uuid}`, 'AWS::AccountId': account, 'AWS::Region': region };
}

export function evaluate(value: unknown, pseudo: StackIdentity): unknown {
  const pseudos: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', ...pseudo };
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, pseudo));
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, arg] = entries[0] as [string, unknown];
    if (fn === 'Ref') return typeof arg === 'string' && arg in pseudos ? pseudos[arg] : '<unresolved>';
    if (fn === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return (evaluate(parts, pseudo) as unknown[]).join(sep);
    }
    if (fn === 'Fn::Split') {
      const [sep, text] = arg as [string, unknown];
      return String(evaluate(text, pseudo)).split(sep);
    }
    if (fn === 'Fn::Select') {
      const [index, list] = arg as [number | string, unknown];
      return (evaluate(list, pseudo) as unknown[])[Number(index)];
    }
    if (fn === 'Fn::Sub' && typeof arg === 'string') return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudos[name] ?? '<unresolved>');
    if (fn.startsWith('Fn::') || fn === 'Condition') return '<unresolved>';
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, evaluate(v, pseudo)]));
}
