import type { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from './schema';
import { type ConfigIssue, suggestion, yamlPath } from './issues';

type Schema = z.core.$ZodType;

/** Turns zod's issues into ones that name the YAML path, the problem and a fix. */
export function fromZodIssues(
  file: string,
  schema: Schema,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  /** Where `data` sits in its file, e.g. the parameters of one pattern in delivery.yaml. */
  filePrefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  return issues.flatMap((issue) => translate(file, schema, data, issue, [], filePrefix));
}

function translate(file: string, schema: Schema, data: unknown, issue: z.core.$ZodIssue, prefix: PropertyKey[], filePrefix: readonly PropertyKey[]): ConfigIssue[] {
  const at = [...prefix, ...issue.path];
  const input = valueAt(data, at);
  const path = yamlPath([...filePrefix, ...at]);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, at, data);
      return issue.keys.map((key) => ({
        file,
        path: yamlPath([...filePrefix, ...at, key]),
        problem: `unknown key "${key}"`,
        fix: suggestion(key, allowed, 'key'),
      }));
    }
    case 'invalid_type':
      return [typeIssue(file, path, at, issue.expected, input)];
    case 'invalid_format':
      if (issue.pattern === String(ACCOUNT_ID_PATTERN) && typeof input === 'string') {
        const digits = /^\d+$/.test(input) ? `has ${input.length} digit${input.length === 1 ? '' : 's'}` : 'is not all digits';
        return [{ file, path, problem: `account id "${input}" ${digits}`, fix: 'an account id is exactly 12 digits, quoted, e.g. "012345678901"' }];
      }
      return [{ file, path, problem: `${JSON.stringify(input)}: ${issue.message}` }];
    case 'invalid_value':
      return [{ file, path, problem: `${JSON.stringify(input)} is not allowed`, fix: suggestion(String(input), issue.values.map(String), 'value') }];
    case 'too_small':
    case 'too_big':
      return [{ file, path, problem: Array.isArray(input) || input === undefined ? issue.message : `${JSON.stringify(input)}: ${issue.message}` }];
    case 'invalid_union': {
      // Report the alternative that matches the kind of value written (object vs string).
      const branches = issue.errors.filter((b) => !(b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0));
      if (branches.length === 1) return branches[0].flatMap((i) => translate(file, schema, data, i, at, filePrefix));
      return [{ file, path, problem: `${describe(input)} is not valid here`, fix: 'see the JSON Schema in accounts/schemas for the accepted shapes' }];
    }
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix;
      const shown = input !== null && typeof input !== 'object' && input !== undefined ? `${JSON.stringify(input)}: ` : '';
      return [{ file, path, problem: `${shown}${issue.message}`, ...(fix ? { fix } : {}) }];
    }
    default:
      return [{ file, path, problem: issue.message }];
  }
}

function typeIssue(file: string, path: string, at: PropertyKey[], expected: string, input: unknown): ConfigIssue {
  if (input === undefined) return { file, path, problem: 'missing', fix: `add "${String(at[at.length - 1])}"` };
  if (expected === 'string' && typeof input === 'number') {
    const last = String(at.filter((s) => typeof s === 'string').pop() ?? '');
    if (/^(id|account|accounts)$/.test(last) && Number.isInteger(input)) {
      const written = String(input);
      const quoted = written.length < 12 ? written.padStart(12, '0') : written;
      return {
        file,
        path,
        problem: `account id ${written} is a number: YAML read it unquoted${written.length < 12 ? ' and dropped its leading zeros' : ''}`,
        fix: `quote it: "${quoted}"`,
      };
    }
    return { file, path, problem: `${input} is a number, a string is expected`, fix: `quote it: "${input}"` };
  }
  return { file, path, problem: `expected ${expected}, got ${describe(input)}` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(data: unknown, at: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of at) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** The keys a strict object at `at` accepts, found by walking the schema along the path. */
function keysAt(schema: Schema, at: readonly PropertyKey[], data: unknown): string[] {
  let cur: Schema | undefined = schema;
  for (let i = 0; i <= at.length && cur; i++) {
    cur = unwrap(cur, valueAt(data, at.slice(0, i)));
    if (i === at.length) break;
    const def = cur._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'object') cur = (def.shape as Record<string, Schema>)[String(at[i])];
    else if (def.type === 'array') cur = def.element as Schema;
    else if (def.type === 'record') cur = def.valueType as Schema;
    else cur = undefined;
  }
  if (!cur) return [];
  const def = cur._zod.def as unknown as Record<string, unknown>;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: Schema, value: unknown): Schema {
  let cur = schema;
  for (;;) {
    const def = cur._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') cur = def.innerType as Schema;
    else if (def.type === 'pipe') cur = def.in as Schema;
    else if (def.type === 'union') {
      const options = def.options as Schema[];
      const wantObject = value !== null && typeof value === 'object' && !Array.isArray(value);
      cur = options.find((o) => ((o._zod.def as { type: string }).type === 'object') === wantObject) ?? options[0];
    } else return cur;
  }
}
