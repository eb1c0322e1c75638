/**
 * A pattern's parameters as documentation: name, description, default or required, read from its
 * zod schema (through .default/.optional wrappers and .transform pipes). Zod only, no CDK.
 */
import type { z } from 'zod';

export interface ParameterDoc {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  /** JSON of the default, when there is one. */
  readonly default?: string;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType>; defaultValue?: unknown };
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

export function parameterDocs(schema: z.ZodType): ParameterDoc[] {
  let object: z.ZodType = schema;
  while (def(object).type === 'pipe') object = def(object).in!;
  const shape = def(object).shape ?? {};
  return Object.entries(shape).map(([name, field]) => {
    let description = field.description;
    let required = true;
    let defaultValue: unknown;
    let hasDefault = false;
    for (let s: z.ZodType | undefined = field; s;) {
      const d = def(s);
      description ??= s.description;
      if (d.type === 'default' || d.type === 'prefault') {
        // The effective default: for a prefault ({} filled in by the inner defaults) only parsing says.
        hasDefault = true;
        defaultValue = field.parse(undefined);
        required = false;
      } else if (d.type === 'optional') required = false;
      s = d.type === 'default' || d.type === 'prefault' || d.type === 'optional' || d.type === 'nullable' ? d.innerType : d.type === 'pipe' ? d.in : undefined;
    }
    return { name, description: description ?? '', required, ...(hasDefault ? { default: JSON.stringify(defaultValue) } : {}) };
  });
}
