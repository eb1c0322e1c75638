import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderJsonSchemas, SCHEMAS_DIR } from '../../accounts/json-schemas';
import { DEFAULT_CONFIG_DIR } from '../../accounts/loader';

describe('JSON Schemas for the YAML files', () => {
  it('are current with the zod schemas (run npm run schemas when this fails)', () => {
    for (const [file, text] of Object.entries(renderJsonSchemas())) {
      expect(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')).toBe(text);
    }
  });

  it('reject unknown keys, like the loader', () => {
    const delivery = JSON.parse(renderJsonSchemas()['delivery.schema.json']);
    expect(delivery.additionalProperties).toBe(false);
    expect(delivery.properties.waves.items.additionalProperties).toBe(false);
  });

  it('are referenced from every sample YAML file', () => {
    for (const [file, schema] of [
      ['organization.yaml', 'organization.schema.json'],
      ['delivery.yaml', 'delivery.schema.json'],
      ['baseline.yaml', 'baseline.schema.json'],
    ]) {
      expect(fs.readFileSync(path.join(DEFAULT_CONFIG_DIR, file), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=./schemas/${schema}`);
    }
  });
});
