/**
 * A ledger on EFS: one small file per entry, written beside its final name and renamed, so any
 * number of functions and execution environments can add entries at once without a lock (NFS
 * gives no atomic append across clients; a rename in one directory is atomic).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { MalformedEventError } from '../../shared/malformed-event';

export const ENTRIES_DIR = 'entries';

const Request = z.strictObject({ note: z.string().max(1024).default('') });

export function parseRequest(event: unknown): z.output<typeof Request> {
  const parsed = Request.safeParse(event ?? {});
  if (!parsed.success) throw new MalformedEventError(`expected {"note": "<at most 1024 characters>"}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

export interface Entry {
  at: string;
  requestId: string;
  note: string;
}

/** Adds one entry; a repeated requestId (a retried invocation) rewrites its own entry, never adds a second. */
export async function addEntry(mountPath: string, entry: Entry): Promise<{ file: string; entries: number }> {
  const dir = path.join(mountPath, ENTRIES_DIR);
  await fs.mkdir(dir, { recursive: true });
  const name = `${entry.requestId.replace(/[^A-Za-z0-9-]/g, '_')}.json`;
  const partial = path.join(dir, `.${name}.partial`);
  await fs.writeFile(partial, JSON.stringify(entry));
  await fs.rename(partial, path.join(dir, name));
  // Names only, no stat per entry: one directory read, whatever the ledger's size.
  const entries = (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).length;
  return { file: name, entries };
}
