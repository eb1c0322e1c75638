/** The raw zone in S3: one object per DAP file, and a small state object per table. */
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { RawStore, TableState } from './sync';

export class S3RawStore implements RawStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly statePrefix = '_state/',
  ) {}

  private stateKey(namespace: string, table: string): string {
    return `${this.statePrefix}${namespace}/${table}.json`;
  }

  async readState(namespace: string, table: string): Promise<TableState | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.stateKey(namespace, table) }));
      const state = JSON.parse(await res.Body!.transformToString()) as Partial<TableState>;
      if (typeof state.until !== 'string' || typeof state.lastJobId !== 'string')
        throw new Error(`s3://${this.bucket}/${this.stateKey(namespace, table)} is not a table state; delete it to start over with a snapshot`);
      return state as TableState;
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }

  async writeState(namespace: string, table: string, state: TableState): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.stateKey(namespace, table), Body: JSON.stringify(state), ContentType: 'application/json' }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return false;
      throw err;
    }
  }

  /** Streams the file in parts, so a large export never sits in memory whole. */
  async put(key: string, body: ReadableStream<Uint8Array>): Promise<void> {
    await new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: Readable.fromWeb(body), ContentType: 'application/gzip' },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    }).done();
  }
}
