import type { QuotaLimits } from './config.js';

export type QuotaLevel = 'ok' | 'warn' | 'soft' | 'hard';

export interface QuotaStatus extends QuotaLimits {
  storeId: number;
  /** Exact store size in bytes (sum of its messages). */
  size: number;
  level: QuotaLevel;
}

/** A user's own limits: used only when `override` is set (KGC bUseDefaultQuota = false). */
export interface UserQuota extends QuotaLimits {
  override: boolean;
}

/** KGC resolution: the user's limits when overridden, else the server defaults (quota_warn/soft/hard). */
export function effectiveLimits(user: UserQuota | null, defaults: QuotaLimits): QuotaLimits {
  if (user?.override) return { warn: user.warn, soft: user.soft, hard: user.hard };
  return { warn: defaults.warn, soft: defaults.soft, hard: defaults.hard };
}

/** KGC CheckUserQuota: hard, then soft, then warn; `size >= limit`; a limit of 0 is unset. */
export function quotaLevel(size: number, limits: QuotaLimits): QuotaLevel {
  if (limits.hard > 0 && size >= limits.hard) return 'hard';
  if (limits.soft > 0 && size >= limits.soft) return 'soft';
  if (limits.warn > 0 && size >= limits.warn) return 'warn';
  return 'ok';
}
