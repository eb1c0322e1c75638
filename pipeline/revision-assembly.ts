/**
 * The cloud assembly of another git revision, for `npm run plan -- --diff REF`: the revision is
 * checked out into a temporary worktree (the working tree is never touched), given this checkout's
 * installed packages, and synthesized with every guard there, as the pipeline would have.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Installed folders that git does not hold and a synth needs (setup.sh makes them): linked into the worktree. */
export const INSTALLED_FOLDERS = ['node_modules'];
/**
 * Installed folders a bundle copies into its asset (the resizer's arm64 sharp): copied, not linked,
 * so the asset holds the same files as in this checkout and its hash matches (a link would be
 * copied as a link, and the template would differ where nothing changed).
 */
export const BUNDLED_FOLDERS = ['functions/image-optimizer/resizer/arm64-runtime/node_modules'];

function git(args: string[], cwd = ROOT): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** The commit a ref names, or a clear error when it names none. */
export function resolveRevision(ref: string): string {
  if (ref.startsWith('-')) throw new Error(`"${ref}" is not a git revision`);
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`"${ref}" names no commit of this repository (try HEAD~1, a branch, a tag or a commit id)`);
  return r.stdout.trim();
}

/**
 * Synthesizes `configDir` (relative to the repository) as it was at `commit` into `outDir`.
 * Returns cdk's output when it fails, so the caller can say why.
 */
export function synthRevision(commit: string, configDir: string, outDir: string, log: (s: string) => void): void {
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-diff-'));
  try {
    git(['worktree', 'add', '--detach', '--force', worktree, commit]);
    for (const folder of INSTALLED_FOLDERS) {
      const from = path.join(ROOT, folder);
      const to = path.join(worktree, folder);
      if (fs.existsSync(from) && !fs.existsSync(to) && fs.existsSync(path.dirname(to))) fs.symlinkSync(from, to, 'dir');
    }
    for (const folder of BUNDLED_FOLDERS) {
      const from = path.join(ROOT, folder);
      const to = path.join(worktree, folder);
      if (fs.existsSync(from) && !fs.existsSync(to) && fs.existsSync(path.dirname(to))) fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    }
    if (!fs.existsSync(path.join(worktree, configDir))) throw new Error(`${configDir} does not exist at ${commit.slice(0, 12)}`);
    log(`synthesizing ${configDir} at ${commit.slice(0, 12)} (a temporary worktree)...\n`);
    cdkSynth(worktree, configDir, outDir, commit.slice(0, 12));
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT });
    fs.rmSync(worktree, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: ROOT });
  }
}

/** Synthesizes the working tree's `configDir` into `outDir` (what the next commit would deploy). */
export function synthWorkingTree(configDir: string, outDir: string, log: (s: string) => void): void {
  log(`synthesizing ${configDir} in the working tree...\n`);
  cdkSynth(ROOT, configDir, outDir, 'the working tree');
}

/** `cdk synth` with every guard, in a checkout; its last lines (without bundling chatter) when it fails. */
function cdkSynth(cwd: string, configDir: string, outDir: string, what: string): void {
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '-c', `config=${configDir}`, '-o', path.resolve(outDir)], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status === 0) return;
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => !/^(Bundling asset|\s*\.\.\.|⚡|\s*$)/.test(l));
  throw new Error(`the synth of ${what} failed:\n${lines.slice(-20).join('\n')}`);
}
