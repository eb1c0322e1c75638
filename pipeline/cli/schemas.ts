/**
 * JSON Schema files generated from the zod schemas, for editor autocomplete and validation
 * (`# yaml-language-server: $schema=...` at the top of each YAML file).
 * `npm run schemas` writes them; a test fails when they are out of date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { generatedFilesCommand, runCommand } from './command-line';
import { SCHEMA_FILES } from '../../accounts/schema';
import { PATTERNS } from '../registry';

export const SCHEMAS_DIR = path.join(__dirname, '..', '..', 'accounts', 'schemas');

/**
 * The JSON Schema files. With the patterns' parameter schemas, a pattern entry of delivery.yaml
 * gets its own parameters checked and completed in the editor (`if id is X then parameters is …`).
 */
export function renderJsonSchemas(patternParameters: Readonly<Record<string, z.ZodType>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    if (file === 'delivery.schema.json') addPatternParameters(json, patternParameters);
    out[file] = `${JSON.stringify({ ...json, title: file.replace('.schema.json', '') }, null, 2)}\n`;
  }
  return out;
}

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; allOf?: unknown[]; [k: string]: unknown };

function addPatternParameters(delivery: JsonSchema, patternParameters: Readonly<Record<string, z.ZodType>>): void {
  const ref = delivery.properties?.waves?.items?.properties?.patterns?.items?.anyOf?.find((s) => s.properties?.id && s.properties?.parameters);
  if (!ref) throw new Error('delivery.schema.json: the pattern entry ({id, parameters}) was not found; update addPatternParameters');
  const ids = Object.keys(patternParameters);
  if (ids.length === 0) return;
  ref.allOf = ids.map((id) => {
    const { $schema: _drop, ...parameters } = z.toJSONSchema(patternParameters[id], { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    return { if: { properties: { id: { const: id } }, required: ['id'] }, then: { properties: { parameters } } };
  });
}

/** Every available pattern's parameter schema, by id. */
export function registryParameters(): Record<string, z.ZodType> {
  return Object.fromEntries(PATTERNS.map((p) => [p.id, p.parameters]));
}

const parseFlags = generatedFilesCommand(
  'schemas',
  "write accounts/schemas/*.json from the zod schemas and the patterns' parameter schemas",
  'write nothing; exit 1 when a file is out of date (the test command runs this)',
);

function main(argv: string[]): number {
  const check = parseFlags(argv);
  if (check === undefined) return 0;
  let stale = 0;
  for (const [file, text] of Object.entries(renderJsonSchemas(registryParameters()))) {
    const target = path.join(SCHEMAS_DIR, file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current === text) continue;
    stale++;
    if (check) process.stderr.write(`${path.relative(process.cwd(), target)} is out of date: run npm run schemas\n`);
    else {
      fs.mkdirSync(SCHEMAS_DIR, { recursive: true });
      fs.writeFileSync(target, text);
      process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
