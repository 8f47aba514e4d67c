/** Bad command line: kgc-admin prints the message and the usage line and exits 1 without connecting. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
