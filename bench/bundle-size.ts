/**
 * bench/bundle-size: synthesizes the sample organization (guards off) and prints every Lambda
 * bundle's size, unzipped and deflated as a zip would store it, against P5 (≤ 1 MiB zipped for
 * TypeScript). Native packages copied beside a bundle (node_modules/: sharp's libvips for the image
 * resizer) are measured apart: P5 is about the code esbuild bundles. Figures only.
 *
 *   npm run bench:bundle-size -- [--config DIR]
 */
import './quiet-env';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchArgs } from './args';
import * as zlib from 'node:zlib';
import { buildApp } from '../pipeline/app';
import { newApp } from '../pipeline/app-context';

interface Bundle {
  name: string;
  files: number;
  bytes: number;
  zipped: number;
  /** Zipped bytes of node_modules/ beside the bundle (native packages), 0 for most. */
  nativeZipped: number;
}

/** Bytes of a zip of `dir`: each file deflated, plus its local and central headers. */
function measure(dir: string, skip?: string): { files: number; bytes: number; zipped: number } {
  let files = 0;
  let bytes = 0;
  let zipped = 22; // end of central directory
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (full === skip) continue;
      if (e.isDirectory()) walk(full);
      else {
        const data = fs.readFileSync(full);
        const name = path.relative(dir, full);
        files++;
        bytes += data.length;
        zipped += Math.min(data.length, zlib.deflateRawSync(data, { level: 9 }).length) + 30 + 46 + 2 * Buffer.byteLength(name);
      }
    }
  };
  walk(dir);
  return { files, bytes, zipped };
}

function main(): void {
  const values = benchArgs('bench:bundle-size', 'Usage: npm run bench:bundle-size -- [--config DIR]\n', { config: { type: 'string' } });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
  const { app, ok, errors } = buildApp(newApp({ guards: false, ...(values.config ? { config: values.config } : {}) }, outdir));
  if (!ok) throw new Error(errors.join('\n'));
  const assembly = app.synth();
  const bundles = new Map<string, Bundle>();
  const manifests = [assembly, ...assembly.nestedAssemblies.map((n) => n.nestedAssembly)].flatMap((a) =>
    fs
      .readdirSync(a.directory)
      .filter((f) => f.endsWith('.assets.json') || f.endsWith('.stackset-assets.json')) // StackSet code has its own manifest
      .map((f) => path.join(a.directory, f)),
  );
  for (const m of manifests) {
    const files = (JSON.parse(fs.readFileSync(m, 'utf8')).files ?? {}) as Record<string, { displayName?: string; source: { path: string; packaging?: string } }>;
    for (const [hash, f] of Object.entries(files)) {
      const dir = path.join(path.dirname(m), f.source.path);
      if (bundles.has(hash) || f.source.packaging !== 'zip' || !fs.existsSync(path.join(dir, 'index.js'))) continue;
      const native = path.join(dir, 'node_modules');
      bundles.set(hash, { name: f.displayName ?? hash.slice(0, 12), ...measure(dir, native), nativeZipped: fs.existsSync(native) ? measure(native).zipped : 0 });
    }
  }
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const rows = [
    ['function bundle', 'files', 'unzipped', 'zipped', '≤ 1 MiB', 'native packages, zipped'],
    ...[...bundles.values()]
      .sort((a, b) => b.zipped - a.zipped)
      .map((b) => [b.name, String(b.files), kib(b.bytes), kib(b.zipped), b.zipped <= 1024 * 1024 ? 'yes' : 'NO', b.nativeZipped ? kib(b.nativeZipped) : '-']),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`);
  fs.rmSync(outdir, { recursive: true, force: true });
}

if (require.main === module) main();
