/**
 * bench/image-optimizer: images per second, time per image and peak memory of the resizer's real
 * work (sharp: each default size in the original format plus WebP) at several Lambda memory
 * sizes, and the cost per 1,000 images at each. Lambda gives a function CPU in proportion to its
 * memory (1,769 MB = one vCPU), so each size runs in a child process whose CPU is capped to that
 * share with a cgroup CPU quota; where cgroups cannot be written (no root), it runs uncapped on
 * one core and scales the time by the share, and says so. Figures only.
 *
 *   npm run bench:image-optimizer -- [--images 24] [--memory 512,1024,2048]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageSettings } from '../stages/image-optimizer/image-optimizer';
import { ImageOptimizerParameters, RESIZER_MEMORY_MB } from '../stages/image-optimizer/parameters';
import { benchArgs } from './args';

const USAGE = 'Usage: npm run bench:image-optimizer -- [--images N] [--memory MB,MB,…]\n';
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'images');
/** arm64 Lambda, us-east-1, 2026: per GB-second and per request. */
const PRICE_GB_SECOND = 0.0000133334;
const PRICE_REQUEST = 0.2 / 1_000_000;
const MB_PER_VCPU = 1769;
const CHOSEN_MB = RESIZER_MEMORY_MB;
/** What the stack gives the resizer when delivery.yaml sets no parameters. */
const DEFAULT_SETTINGS = imageSettings(ImageOptimizerParameters.parse({}));
const POST_MB = 2048;

interface WorkerResult {
  readonly perImageMs: number[];
  readonly peakRssMb: number;
}

async function worker(): Promise<void> {
  const { renditions } = await import('../functions/image-optimizer/resizer/renditions');
  const count = Number(process.env.BENCH_IMAGES);
  const inputs = ['landscape.jpg', 'transparent.png', 'portrait-exif6.jpg'].map((f) => fs.readFileSync(path.join(FIXTURES, f)));
  const settings = DEFAULT_SETTINGS;
  await renditions(inputs[0], 'warm-up', settings);
  const perImageMs: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await renditions(inputs[i % inputs.length], `bench-${i}`, settings);
    perImageMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const result: WorkerResult = { perImageMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

/** A cgroup (v1 or v2) capping CPU to `vcpus`, or undefined where this process may not create one. */
function cpuCgroup(name: string, vcpus: number): { procs: string; remove: () => void } | undefined {
  const period = 100_000;
  const quota = Math.round(vcpus * period);
  for (const [dir, write] of [
    ['/sys/fs/cgroup/cpu', (d: string) => fs.writeFileSync(path.join(d, 'cpu.cfs_quota_us'), String(quota))],
    ['/sys/fs/cgroup', (d: string) => fs.writeFileSync(path.join(d, 'cpu.max'), `${quota} ${period}`)],
  ] as const) {
    const group = path.join(dir, name);
    try {
      if (!fs.existsSync(path.join(dir, dir.endsWith('cpu') ? 'cpu.cfs_quota_us' : 'cgroup.controllers'))) continue;
      fs.mkdirSync(group, { recursive: true });
      write(group);
      return { procs: path.join(group, 'cgroup.procs'), remove: () => fs.rmdirSync(group) };
    } catch {
      // not permitted here; try the next layout, then fall back to scaling
    }
  }
  return undefined;
}

async function measure(memoryMb: number, images: number): Promise<WorkerResult & { capped: boolean; share: number }> {
  const share = memoryMb / MB_PER_VCPU;
  const group = cpuCgroup(`image-bench-${process.pid}-${memoryMb}`, share);
  const child = spawn(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, BENCH_WORKER: '1', BENCH_IMAGES: String(images), UV_THREADPOOL_SIZE: String(Math.max(1, Math.ceil(share))), VIPS_CONCURRENCY: String(Math.max(1, Math.ceil(share))) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (group) fs.writeFileSync(group.procs, String(child.pid));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  group?.remove();
  if (code !== 0) throw new Error(`worker for ${memoryMb} MB exited ${code}`);
  const result = JSON.parse(out) as WorkerResult;
  // Uncapped, the child had at least a full core: scale to the share Lambda would give (never faster than one core).
  const scale = group ? 1 : Math.max(1, 1 / share);
  return { ...result, perImageMs: result.perImageMs.map((ms) => ms * scale), capped: !!group, share };
}

async function main(): Promise<void> {
  const values = benchArgs('bench:image-optimizer', USAGE, { images: { type: 'string', default: '24' }, memory: { type: 'string', default: `512,${CHOSEN_MB},${POST_MB}` } });
  const images = Number(values.images);
  const sizes = String(values.memory).split(',').map(Number);
  if (!Number.isInteger(images) || images < 3 || sizes.some((m) => !Number.isInteger(m) || m < 128 || m > 10240)) {
    process.stderr.write(`bench:image-optimizer: --images is an integer ≥ 3 and --memory a list of MB from 128 to 10240\n\n${USAGE}`);
    process.exit(2);
  }
  process.stdout.write(
    `image-optimizer resizer (sharp ${(await import('sharp')).default.versions.sharp}, ${os.arch()}): ${images} images (1600×1067 JPEG, 800×600 PNG, 1200×900 JPEG with EXIF rotation), each → the default sizes (${DEFAULT_SETTINGS.sizes.map((z) => z.width).join(', ')}) × 2 formats\n`,
  );
  process.stdout.write('  memory   vCPU share   images/s   ms/image (median, p95)   peak RSS   cost per 1,000 images\n');
  let capped = true;
  for (const memoryMb of sizes) {
    const r = await measure(memoryMb, images);
    capped &&= r.capped;
    const sorted = [...r.perImageMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const cost = 1000 * ((mean / 1000) * (memoryMb / 1024) * PRICE_GB_SECOND + PRICE_REQUEST);
    const mark = memoryMb === CHOSEN_MB ? '  ← chosen' : memoryMb === POST_MB ? "  (the post's)" : '';
    process.stdout.write(
      `  ${String(memoryMb).padStart(5)} MB   ${r.share.toFixed(2).padStart(10)}   ${(1000 / mean).toFixed(2).padStart(8)}   ${median.toFixed(0).padStart(8)}, ${p95.toFixed(0).padStart(5)}          ${r.peakRssMb.toFixed(0).padStart(5)} MB   $${cost.toFixed(4)}${mark}${r.capped ? '' : '  (time scaled, not capped)'}\n`,
    );
  }
  process.stdout.write(
    `  CPU: ${capped ? 'capped per size with a cgroup CPU quota' : 'time scaled from one core by the share (no cgroup here)'}; price: arm64 $${PRICE_GB_SECOND}/GB-s + $0.20/M requests, one invocation per image (a batch of 5 shares one)\n`,
  );
}

if (process.env.BENCH_WORKER) {
  worker().catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
