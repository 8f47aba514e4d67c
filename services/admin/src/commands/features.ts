/** `--enable-feature` / `--disable-feature imap|pop3` with -u (repeatable or a comma list). */
import type { CommandContext } from '../command.js';
import { perror } from '../fault-text.js';
import { type Feature, parseFeatures } from '../option-values.js';
import type { RawOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

export interface FeatureChange {
  readonly enable: readonly Feature[];
  readonly disable: readonly Feature[];
}

/** The features to switch, or undefined when neither option is given. */
export function parseFeatureChange(raw: RawOptions): FeatureChange | undefined {
  const enable = parseFeatures(raw.enableFeature);
  const disable = parseFeatures(raw.disableFeature);
  const both = enable.filter((f) => disable.includes(f));
  if (both.length > 0) throw new UsageError(`Feature ${both.join(', ')} cannot be both enabled and disabled.`);
  return enable.length === 0 && disable.length === 0 ? undefined : { enable, disable };
}

/** Returns false after printing the error. */
export async function applyFeatures(ctx: CommandContext, username: string, change: FeatureChange): Promise<boolean> {
  try {
    await ctx.api.call('setUserFeatures', { username, enable: [...change.enable], disable: [...change.disable] });
    return true;
  } catch (err) {
    ctx.err.line(perror('Unable to update user information', err));
    return false;
  }
}
