/**
 * The layer and EFS functions on real folders: the repository's layer folder (what the layer puts
 * in /opt) and a temporary folder standing in for the EFS mount path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../stages/shared/pattern-function';
import { STORAGE_OPTIONS, loadStorageOptions, lookup } from '../../../functions/lambda-storage/layer-lookup/reference';
import { ENTRIES_DIR, addEntry, parseRequest } from '../../../functions/lambda-storage/efs-ledger/ledger';

const LAYER = path.join(REPO_ROOT, 'functions', 'lambda-storage', 'reference-layer');

describe('lambda-storage layer function', () => {
  it('answers from the table the layer puts in /opt', async () => {
    process.env.LAYER_ROOT = LAYER;
    const { handler } = await import('../../../functions/lambda-storage/layer-lookup/index');
    await expect(handler({ option: 'tmp' })).resolves.toMatchObject({ option: 'tmp', where: '/tmp', size: expect.stringContaining('10,240 MB') });
    const all = (await handler({})) as { options: Record<string, unknown> };
    expect(Object.keys(all.options)).toEqual([...STORAGE_OPTIONS]);
  });

  it('says which layer is missing, and refuses unknown options', () => {
    expect(() => loadStorageOptions(fs.mkdtempSync(path.join(os.tmpdir(), 'opt-')))).toThrow('needs the lambda-storage reference layer');
    const table = loadStorageOptions(LAYER);
    expect(() => lookup(table, { option: 'ebs' })).toThrow('expected {} or {"option": one of s3, tmp, layer, efs}');
  });

  it('keeps the README comparison table in step with the layer', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const row of Object.values(loadStorageOptions(LAYER).options)) expect(readme).toContain(`| ${row.name} | ${row.where} | ${row.size} | ${row.persistence} | ${row.sharedBy} |`);
  });
});

describe('lambda-storage EFS function', () => {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-'));
  afterAll(() => fs.rmSync(mount, { recursive: true, force: true }));

  it('adds one entry per request to the shared ledger, and a retried request rewrites its own', async () => {
    process.env.MOUNT_PATH = mount;
    const { handler } = await import('../../../functions/lambda-storage/efs-ledger/index');
    const context = (id: string) => ({ awsRequestId: id }) as never;
    await expect(handler({ note: 'first' }, context('6f1e7a2b-0c3d-4e5f-8a9b-1c2d3e4f5a6b'))).resolves.toEqual({ file: '6f1e7a2b-0c3d-4e5f-8a9b-1c2d3e4f5a6b.json', entries: 1 });
    await expect(handler({}, context('7a2b3c4d-1e2f-4a5b-9c8d-2e3f4a5b6c7d'))).resolves.toMatchObject({ entries: 2 });
    await expect(handler({ note: 'first, retried' }, context('6f1e7a2b-0c3d-4e5f-8a9b-1c2d3e4f5a6b'))).resolves.toMatchObject({ entries: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(mount, ENTRIES_DIR, '6f1e7a2b-0c3d-4e5f-8a9b-1c2d3e4f5a6b.json'), 'utf8'))).toMatchObject({ note: 'first, retried' });
  });

  it('takes concurrent writers (two functions, many environments) without losing an entry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-many-'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => addEntry(dir, { at: new Date().toISOString(), requestId: `req-${i}`, note: '' })));
    expect(fs.readdirSync(path.join(dir, ENTRIES_DIR)).filter((n) => n.endsWith('.json'))).toHaveLength(50);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses malformed requests', () => {
    expect(() => parseRequest({ note: 'x'.repeat(1025) })).toThrow('at most 1024 characters');
    expect(() => parseRequest({ note: 3 })).toThrow('expected {"note"');
    expect(parseRequest(undefined)).toEqual({ note: '' });
  });
});
