/** Reference data shipped in a layer: read from /opt (LAYER_ROOT in tests), once per execution environment. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { MalformedEventError } from '../../shared/malformed-event';

export const STORAGE_OPTIONS = ['s3', 'tmp', 'layer', 'efs'] as const;
export const REFERENCE_FILE = path.join('reference', 'storage-options.json');

const Row = z.strictObject({ name: z.string(), where: z.string(), size: z.string(), persistence: z.string(), sharedBy: z.string(), events: z.string(), bestFor: z.string() });
export const StorageOptions = z.strictObject({ asOf: z.string(), options: z.record(z.enum(STORAGE_OPTIONS), Row) });
export type StorageOptions = z.output<typeof StorageOptions>;

/** The layer's table; a missing or broken file says which layer to attach or fix. */
export function loadStorageOptions(layerRoot: string): StorageOptions {
  const file = path.join(layerRoot, REFERENCE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: the function needs the lambda-storage reference layer`);
  }
  const parsed = StorageOptions.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a storage-options table: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

const Lookup = z.strictObject({ option: z.enum(STORAGE_OPTIONS).optional() });

/** `{}` → every option, `{"option": "efs"}` → one. */
export function lookup(table: StorageOptions, event: unknown) {
  const parsed = Lookup.safeParse(event ?? {});
  if (!parsed.success) throw new MalformedEventError(`expected {} or {"option": one of ${STORAGE_OPTIONS.join(', ')}}: ${parsed.error.issues[0].message}`);
  const { option } = parsed.data;
  return option ? { asOf: table.asOf, option, ...table.options[option] } : table;
}
