/** Numbers and sizes as kopano-admin shows and takes them. */

const MIB = 1024 * 1024;

/** Quota values on the command line are whole megabytes (MiB, as KGC's `atoll(x) * 1024 * 1024`). */
export function mbToBytes(mb: number): number {
  const bytes = mb * MIB;
  if (!Number.isSafeInteger(mb) || mb < 0 || !Number.isSafeInteger(bytes)) {
    throw new RangeError(`${mb} MB is not a size kgc-admin can handle`);
  }
  return bytes;
}

/**
 * KGC's `str_storage`: megabytes with two decimals ("1.23 MB"). A quota level of 0 means "no limit"
 * and prints as "unlimited"; a store size passes `unlimited = false` and prints "0.00 MB".
 */
export function formatStorage(bytes: number, unlimited = true): string {
  if (bytes === 0 && unlimited) return 'unlimited';
  return `${(bytes / MIB).toFixed(2)} MB`;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
