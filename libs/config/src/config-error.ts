/** One problem found while reading or validating configuration. */
export interface ConfigIssue {
  /** The configuration key concerned, when there is one. */
  readonly key?: string;
  /** Where the problem is: `file.cfg:12`, `environment KGC_X`, `command line`, `definition`, ... */
  readonly source: string;
  readonly message: string;
}

function describe(issue: ConfigIssue): string {
  return `${issue.source}: ${issue.message}`;
}

/**
 * The one error type of @kgc/config. It carries every issue found, so an admin sees all
 * mistakes at once instead of fixing them one start attempt at a time.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue | readonly ConfigIssue[]) {
    const list: readonly ConfigIssue[] = Array.isArray(issues) ? issues : [issues as ConfigIssue];
    const first = list[0];
    super(
      list.length === 1 && first !== undefined
        ? describe(first)
        : `invalid configuration (${list.length} problems):\n${list.map((i) => `  - ${describe(i)}`).join('\n')}`,
    );
    this.issues = list;
  }
}
