/**
 * Imports point one way (README "Which way imports point"): this reads every TypeScript file's
 * imports and checks each against the floors below. A new climbing import fails here with the file,
 * the line and the rule it breaks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Each folder, and the folders of ours it may import. Ground first. */
export const FLOORS: Record<string, readonly string[]> = {
  accounts: [],
  functions: ['accounts'],
  stages: ['accounts'],
  'catalog-products': ['accounts', 'stages'],
  pipeline: ['accounts', 'stages', 'catalog-products'],
  worlds: ['accounts', 'functions', 'stages', 'catalog-products', 'pipeline'],
  bench: ['accounts', 'functions', 'stages', 'catalog-products', 'pipeline', 'worlds'],
  test: ['accounts', 'functions', 'stages', 'catalog-products', 'pipeline', 'worlds', 'bench'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'product-stack-snapshots' ? [] : sources(full);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Module specifiers of static imports, re-exports, dynamic imports and require calls, with their lines. */
export function importsOf(text: string): Array<{ spec: string; line: number }> {
  const out: Array<{ spec: string; line: number }> = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g, /\brequire\(\s*'([^']+)'\s*\)/g];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) out.push({ spec: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

function floorOf(file: string): string | undefined {
  const top = path.relative(ROOT, file).split(path.sep)[0];
  return top in FLOORS ? top : undefined;
}

describe('import floors', () => {
  it('finds the imports of every kind', () => {
    const found = importsOf("import a from './a';\nexport { b } from '../b';\nimport './c';\nconst d = require('../d');\nconst e = await import('./e');\n").map((i) => `${i.line}:${i.spec}`);
    expect(found.sort()).toEqual(['1:./a', '2:../b', '3:./c', '4:../d', '5:./e']);
  });

  it('every import of ours points down a floor or stays in its own folder', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const floor of Object.keys(FLOORS)) {
      for (const file of sources(path.join(ROOT, floor))) {
        for (const { spec, line } of importsOf(fs.readFileSync(file, 'utf8'))) {
          if (!spec.startsWith('.')) continue;
          checked++;
          const target = floorOf(path.resolve(path.dirname(file), spec));
          if (target === undefined || target === floor) continue;
          if (!FLOORS[floor].includes(target)) broken.push(`${path.relative(ROOT, file)}:${line} imports ${spec}: ${floor}/ may import ${FLOORS[floor].join(', ') || 'nothing of ours'}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(broken).toEqual([]);
  });

  it('every folder of ours has a floor (scripts/ holds shell only)', () => {
    const tops = fs.readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'cdk.out', 'scripts'].includes(e.name));
    expect(tops.map((e) => e.name).filter((n) => !(n in FLOORS))).toEqual([]);
  });
});
