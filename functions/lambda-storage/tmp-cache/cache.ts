/**
 * /tmp as a per-execution-environment cache: a reference object is downloaded from S3 once, into
 * the function's ephemeral storage, and later invocations of the same environment read it there.
 */
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { MalformedEventError } from '../../shared/malformed-event';

export const REFERENCE_PREFIX = 'reference/';

export const CacheRequest = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'a file name under reference/: letters, digits, ".", "_" or "-", at most 128 characters' }),
});

export function parseRequest(event: unknown): z.output<typeof CacheRequest> {
  const parsed = CacheRequest.safeParse(event);
  if (!parsed.success) throw new MalformedEventError(`expected {"key": "<file under reference/>"}: ${parsed.error.issues[0].path.join('.') || '(event)'}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** What the cache needs of S3: the object's length and body. */
export type FetchObject = (key: string) => Promise<{ contentLength: number; body: Readable }>;

export interface CachedFile {
  readonly path: string;
  readonly cached: boolean;
  readonly bytes: number;
  readonly freeBytes: number;
}

export class NotEnoughEphemeralStorage extends Error {}

export class TmpCache {
  constructor(
    private readonly dir: string,
    private readonly fetchObject: FetchObject,
  ) {}

  /** The local copy of reference/<key>: from the cache, or downloaded when it fits. */
  async get(key: string): Promise<CachedFile> {
    await fs.mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, key);
    const existing = await fs.stat(target).catch(() => undefined);
    if (existing) return { path: target, cached: true, bytes: existing.size, freeBytes: await this.freeBytes() };
    const object = await this.fetchObject(`${REFERENCE_PREFIX}${key}`);
    const free = await this.freeBytes();
    if (object.contentLength > free) {
      object.body.destroy();
      throw new NotEnoughEphemeralStorage(`${REFERENCE_PREFIX}${key} is ${object.contentLength} bytes and ${this.dir} has ${free} free: raise the pattern's ephemeralStorageMb (up to 10240)`);
    }
    // Write beside the target and rename: a download cut short never looks like a cached file.
    const partial = `${target}.${process.pid}.partial`;
    try {
      await pipeline(object.body, createWriteStream(partial));
      await fs.rename(partial, target);
    } catch (err) {
      await fs.rm(partial, { force: true });
      throw err;
    }
    return { path: target, cached: false, bytes: (await fs.stat(target)).size, freeBytes: await this.freeBytes() };
  }

  async freeBytes(): Promise<number> {
    const s = await fs.statfs(this.dir);
    return s.bavail * s.bsize;
  }
}

/** Lines of a cached file, counted as it streams. */
export async function countLines(file: string): Promise<number> {
  const handle = await fs.open(file);
  let lines = 0;
  let last = 0x0a;
  let any = false;
  try {
    for await (const chunk of handle.createReadStream() as AsyncIterable<Buffer>) {
      for (const b of chunk) if (b === 0x0a) lines++;
      if (chunk.length) {
        any = true;
        last = chunk[chunk.length - 1];
      }
    }
  } finally {
    await handle.close();
  }
  return any && last !== 0x0a ? lines + 1 : lines;
}
