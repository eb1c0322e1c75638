import { main } from '../../pipeline/cli/synth';
import { runCli } from '../support/cli';
import { configFixture, replaceOnce } from '../support/config-fixture';

const run = (argv: string[]) => runCli(main, argv);

describe('npm run synth', () => {
  it('--help describes every option', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    for (const option of ['--config DIR', '--output DIR', '--help']) expect(out).toContain(option);
  });

  it('refuses an unknown flag as a usage error', () => {
    expect(() => run(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  });

  it.each([
    ['--config DIR', (dir: string) => ['--config', dir]],
    ['-c config=DIR, as cdk says it', (dir: string) => ['-c', `config=${dir}`]],
  ])('passes %s to cdk synth: a bad config there fails the synth with its errors', (_how, args) => {
    const bad = configFixture({ 'organization.yaml': replaceOnce('id: "444444444444"', 'id: "44444444444"') });
    const { code, err } = run(args(bad));
    expect(code).toBe(1);
    expect(err).toContain(`${bad}/organization.yaml: accounts[3].id: account id "44444444444" has 11 digits`);
  });
});
