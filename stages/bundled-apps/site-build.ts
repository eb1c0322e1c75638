/**
 * The site's build: TypeScript → esbuild (bundled, minified) → dist/, with the HTML and CSS
 * copied beside it. The stack runs it as local bundling at synth (`npx tsx
 * stages/bundled-apps/site-build.ts <dir>` runs it alone). Pure Node, the same on a laptop and in
 * the pipeline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** The site's sources (functions/bundled-apps/site). */
export const SITE_DIR = path.resolve(__dirname, '..', '..', 'functions', 'bundled-apps', 'site');

/** Builds the site into outDir and returns the files written, relative to it. */
export function buildSite(outDir: string): string[] {
  fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  buildSync({
    entryPoints: [path.join(SITE_DIR, 'src', 'main.ts')],
    outfile: path.join(outDir, 'assets', 'main.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    tsconfig: path.join(SITE_DIR, 'tsconfig.json'),
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(SITE_DIR, 'src', 'index.html'), path.join(outDir, 'index.html'));
  fs.copyFileSync(path.join(SITE_DIR, 'src', 'styles.css'), path.join(outDir, 'assets', 'styles.css'));
  return ['index.html', 'assets/main.js', 'assets/styles.css'];
}

if (require.main === module) {
  const outDir = process.argv[2] ?? path.join(SITE_DIR, 'dist');
  for (const file of buildSite(outDir)) console.log(path.join(outDir, file));
}
