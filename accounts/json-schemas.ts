/**
 * JSON Schema files generated from the zod schemas, for editor autocomplete and validation
 * (`# yaml-language-server: $schema=...` at the top of each YAML file).
 * `npm run schemas` writes them; a test fails when they are out of date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { SCHEMA_FILES } from './schema';

export const SCHEMAS_DIR = path.join(__dirname, 'schemas');

export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    out[file] = `${JSON.stringify({ ...json, title: file.replace('.schema.json', '') }, null, 2)}\n`;
  }
  return out;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of Object.entries(renderJsonSchemas())) {
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
  process.exitCode = check && stale > 0 ? 1 : 0;
}
