/** The /tmp function against moto S3, with a temporary folder standing in for /tmp. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { NotEnoughEphemeralStorage, TmpCache, countLines, parseRequest } from '../../../functions/lambda-storage/tmp-cache/cache';

const BUCKET = 'lambda-storage-tmp';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-tmp-'));
let moto: MotoServer;
let s3: S3Client;
let handler: (event: unknown) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reference/postcodes.csv', Body: 'code,city\n10115,Berlin\n75001,Paris\n' }));
  Object.assign(process.env, { BUCKET_NAME: BUCKET, CACHE_DIR: path.join(TMP, 'reference-cache'), POWERTOOLS_LOG_LEVEL: 'SILENT' });
  ({ handler } = await import('../../../functions/lambda-storage/tmp-cache/index'));
});
afterAll(async () => {
  await moto?.stop();
  fs.rmSync(TMP, { recursive: true, force: true });
});

describe('lambda-storage /tmp function', () => {
  it('downloads once per execution environment, then serves from /tmp', async () => {
    const first = await handler({ key: 'postcodes.csv' });
    expect(first).toMatchObject({ key: 'postcodes.csv', cached: false, bytes: 35, lines: 3, freeBytes: expect.any(Number) });
    expect(fs.readFileSync(path.join(TMP, 'reference-cache', 'postcodes.csv'), 'utf8')).toBe('code,city\n10115,Berlin\n75001,Paris\n');
    // Gone from S3 meanwhile: the environment still has its copy.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reference/postcodes.csv', Body: 'changed' }));
    await expect(handler({ key: 'postcodes.csv' })).resolves.toMatchObject({ cached: true, bytes: 35, lines: 3 });
  });

  it('fails an unknown object without leaving a partial file', async () => {
    await expect(handler({ key: 'missing.csv' })).rejects.toThrow(/NoSuchKey|does not exist/);
    expect(fs.readdirSync(path.join(TMP, 'reference-cache'))).toEqual(['postcodes.csv']);
  });

  it('refuses an object larger than the free ephemeral storage, saying which parameter to raise', async () => {
    const dir = path.join(TMP, 'small');
    const cache = new TmpCache(dir, async () => ({ contentLength: Number.MAX_SAFE_INTEGER, body: Readable.from(['x']) }));
    await expect(cache.get('huge.bin')).rejects.toThrow(NotEnoughEphemeralStorage);
    await expect(cache.get('huge.bin')).rejects.toThrow("raise the pattern's ephemeralStorageMb (up to 10240)");
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('cleans up a download cut short', async () => {
    const dir = path.join(TMP, 'cut');
    const broken = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(new TmpCache(dir, async () => ({ contentLength: 10, body: broken })).get('a.csv')).rejects.toThrow('socket hang up');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses keys that could leave the cache folder', () => {
    for (const key of ['../etc/passwd', '/abs', '', 'a/b', '.hidden']) expect(() => parseRequest({ key })).toThrow('a file name under reference/');
    expect(() => parseRequest({ key: 'a', extra: 1 })).toThrow(/Unrecognized key/);
    expect(() => parseRequest('postcodes.csv')).toThrow('expected {"key"');
  });

  it('counts lines of what it cached', async () => {
    const file = path.join(TMP, 'lines.txt');
    fs.writeFileSync(file, 'a\nb\nc');
    await expect(countLines(file)).resolves.toBe(3);
    fs.writeFileSync(file, '');
    await expect(countLines(file)).resolves.toBe(0);
  });
});
