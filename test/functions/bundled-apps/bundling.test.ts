/**
 * The bundling itself, for real: the Go function is built for arm64 after its tests pass (a
 * failing test fails synth), and the site is built by esbuild into the asset, with no Docker.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { GoFunction } from '@aws-cdk/aws-lambda-go-alpha';
import { newApp } from '../../../pipeline/app-context';
import { BundledAppsStack } from '../../../stages/bundled-apps/bundled-apps';
import { BundledAppsParameters } from '../../../stages/bundled-apps/parameters';
import { goBundling } from '../../../stages/shared/pattern-function';

/** ELF e_machine of AArch64. */
const EM_AARCH64 = 0xb7;

it('builds an arm64 bootstrap after its go test, and the site into index.html and assets/', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-assets-'));
  const app = newApp({ guards: false }, outdir);
  new BundledAppsStack(app, 'Bundled', { parameters: BundledAppsParameters.parse({}) });
  const assembly = app.synth();
  const assetDirs = fs.readdirSync(assembly.directory).filter((d) => d.startsWith('asset.') && fs.statSync(path.join(assembly.directory, d)).isDirectory());

  const goAsset = assetDirs.map((d) => path.join(assembly.directory, d, 'bootstrap')).find((f) => fs.existsSync(f));
  expect(goAsset).toBeDefined();
  const elf = fs.readFileSync(goAsset!);
  expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  expect(elf.readUInt16LE(18)).toBe(EM_AARCH64);

  const siteAsset = assetDirs.map((d) => path.join(assembly.directory, d)).find((d) => fs.existsSync(path.join(d, 'index.html')));
  expect(siteAsset).toBeDefined();
  expect(fs.readdirSync(path.join(siteAsset!, 'assets')).sort()).toEqual(['main.js', 'styles.css']);
  const script = fs.readFileSync(path.join(siteAsset!, 'assets', 'main.js'), 'utf8');
  expect(script).toContain('/config.json');
  expect(script).not.toMatch(/execute-api/); // the API URL is never built in
  expect(fs.existsSync(path.join(siteAsset!, 'config.json'))).toBe(false);
});

it('fails synth when the package’s go test fails', () => {
  const module = fs.mkdtempSync(path.join(os.tmpdir(), 'failing-go-'));
  fs.writeFileSync(path.join(module, 'go.mod'), 'module example.com/failing\n\ngo 1.26\n');
  fs.mkdirSync(path.join(module, 'fn'));
  fs.writeFileSync(path.join(module, 'fn', 'main.go'), 'package main\n\nfunc main() {}\n\nfunc answer() int { return 41 }\n');
  fs.writeFileSync(path.join(module, 'fn', 'main_test.go'), 'package main\n\nimport "testing"\n\nfunc TestAnswer(t *testing.T) {\n\tif answer() != 42 {\n\t\tt.Fatal("answer() != 42")\n\t}\n}\n');
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'failing-out-')) });
  const stack = new Stack(app, 'Failing');
  expect(
    () =>
      new GoFunction(stack, 'Fn', {
        entry: path.join(module, 'fn'),
        moduleDir: path.join(module, 'go.mod'),
        runtime: lambda.Runtime.PROVIDED_AL2023,
        architecture: lambda.Architecture.ARM_64,
        bundling: goBundling('fn', true),
      }),
  ).toThrow(/Failed to bundle asset/);
  // The same package with the test fixed bundles.
  fs.writeFileSync(path.join(module, 'fn', 'main.go'), 'package main\n\nfunc main() {}\n\nfunc answer() int { return 42 }\n');
  expect(
    () => new GoFunction(stack, 'Fixed', { entry: path.join(module, 'fn'), moduleDir: path.join(module, 'go.mod'), runtime: lambda.Runtime.PROVIDED_AL2023, bundling: goBundling('fn', true) }),
  ).not.toThrow();
});
