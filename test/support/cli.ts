/** Runs a command's main with its output captured: exit code, stdout and stderr. */
export function runCli(main: (argv: string[], out: (s: string) => void, err: (s: string) => void) => number, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(
    argv,
    (s) => void out.push(s),
    (s) => void err.push(s),
  );
  return { code, out: out.join(''), err: err.join('') };
}
