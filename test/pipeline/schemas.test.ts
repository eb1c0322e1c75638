import * as fs from 'node:fs';
import * as path from 'node:path';
import { registryParameters, renderJsonSchemas, SCHEMAS_DIR } from '../../pipeline/cli/schemas';
import { DEFAULT_CONFIG_DIR } from '../../accounts/loader';

describe('JSON Schemas for the YAML files', () => {
  const rendered = renderJsonSchemas(registryParameters());

  it('are current with the zod schemas (run npm run schemas when this fails)', () => {
    for (const [file, text] of Object.entries(rendered)) {
      expect(fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')).toBe(text);
    }
  });

  it('give each pattern entry of delivery.yaml its own parameters, unknown keys refused', () => {
    const delivery = JSON.parse(rendered['delivery.schema.json']);
    const entry = delivery.properties.waves.items.properties.patterns.items.anyOf.find((s: { properties?: object }) => s.properties);
    const mq = entry.allOf.find((c: { if: { properties: { id: { const: string } } } }) => c.if.properties.id.const === 'mq-consumer');
    expect(mq.then.properties.parameters).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { batchSize: { maximum: 10000, default: 100 }, deploymentMode: { enum: ['single-instance', 'active-standby'] } },
    });
    const content = entry.allOf.find((c: { if: { properties: { id: { const: string } } } }) => c.if.properties.id.const === 'content-aggregator');
    expect(content.then.properties.parameters.required).toEqual(['repository']);
    expect(entry.allOf.map((c: { if: { properties: { id: { const: string } } } }) => c.if.properties.id.const)).toEqual(Object.keys(registryParameters()));
  });

  it('reject unknown keys, like the loader', () => {
    const delivery = JSON.parse(rendered['delivery.schema.json']);
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
