import { distance } from 'fastest-levenshtein';

/** One thing wrong with the configuration: where it is, what is wrong, how to fix it. */
export interface ConfigIssue {
  /** The file as the user named it, e.g. `accounts/delivery.yaml`. */
  readonly file: string;
  /** The YAML path inside the file, e.g. `waves[1].patterns[2]`; empty for the whole file. */
  readonly path: string;
  readonly problem: string;
  readonly fix?: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path ? `${issue.file}: ${issue.path}` : issue.file;
  return issue.fix ? `${where}: ${issue.problem} (${issue.fix})` : `${where}: ${issue.problem}`;
}

/** "2 configuration errors:" and one indented line per problem: how every command and synth report them. */
export function renderIssues(problems: ReadonlyArray<ConfigIssue | string>): string {
  const lines = problems.map((p) => `  ${typeof p === 'string' ? p : formatIssue(p)}`);
  return `${problems.length} configuration error${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

/** Raised when a configuration cannot be used; carries every issue found, not only the first. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(renderIssues(issues));
    this.name = 'ConfigError';
  }
}

/** Renders `waves[1].patterns[0].id` from a path of keys and indexes. */
export function yamlPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** The closest candidate to `input`, if it is close enough to be a likely typo. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = input.toLowerCase();
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    // A truncated name ("sns-fifo" for "sns-fifo-jobs") is as good a hint as a typo.
    const d = c.startsWith(lower) ? Math.min(1, distance(lower, c)) : distance(lower, c);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(input.length / 3));
  return best !== undefined && bestDistance <= tolerance ? best : undefined;
}

/** "(did you mean "x"?)" or a list of what is allowed. */
export function suggestion(input: string, candidates: readonly string[], noun: string): string {
  const hint = closest(input, candidates);
  if (hint) return `did you mean "${hint}"?`;
  if (candidates.length === 0) return `no ${noun} is defined`;
  const shown = candidates
    .slice(0, 12)
    .map((c) => `"${c}"`)
    .join(', ');
  return `known ${noun}s: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
