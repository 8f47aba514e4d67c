/**
 * RCPT TO: an address (email, alias or login name) to a user with a store, through the server.
 * Plus-addressing (`user+folder@domain`, KGC lacks it): the full address is tried first (a user
 * may own an address with the delimiter in it), then the address without the extension, which
 * then names the folder to deliver into.
 */
import type { Output, ServerLink } from '@kgc/soap';
import { DeliveryError, fromServerError } from './errors.js';
import { MAX_PLUS_FOLDER, RESOLVE_CACHE_MAX, RESOLVE_CACHE_MS } from './limits.js';

export interface Recipient {
  /** The address as the client gave it. */
  address: string;
  userId: number;
  username: string;
  storeId: number;
  /** Folder named by a plus address, if any (delivered into only when it exists). */
  folder?: string;
}

export interface PlusAddress {
  base: string;
  extension: string;
}

/** `user+ext@domain` → `user@domain` and `ext`; null when there is no (usable) extension. */
export function splitPlus(address: string, delimiter: string): PlusAddress | null {
  if (delimiter === '') return null;
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at);
  const i = local.indexOf(delimiter);
  if (i <= 0) return null;
  const extension = local.slice(i + delimiter.length);
  if (extension === '' || extension.length > MAX_PLUS_FOLDER) return null;
  return { base: local.slice(0, i) + domain, extension };
}

async function lookup(link: ServerLink, address: string): Promise<Omit<Recipient, 'address'>> {
  try {
    return await link.call('resolveEmail', { email: address });
  } catch (e) {
    throw fromServerError(e, 'unknown-user');
  }
}

export async function resolveRecipient(link: ServerLink, address: string, delimiter: string): Promise<Recipient> {
  if (address === '' || /[\s<>]/.test(address)) throw new DeliveryError('bad-address');
  try {
    return { address, ...(await lookup(link, address)) };
  } catch (e) {
    const plus = splitPlus(address, delimiter);
    if (!(e instanceof DeliveryError) || e.kind !== 'unknown-user' || plus === null) throw e;
    return { address, ...(await lookup(link, plus.base)), folder: plus.extension };
  }
}

/** resolveRecipient with a short-lived cache of successful resolutions (RESOLVE_CACHE_MS). */
export class RecipientResolver {
  private readonly cache = new Map<string, { at: number; recipient: Recipient }>();

  constructor(
    private readonly link: ServerLink,
    private readonly delimiter: string,
  ) {}

  async resolve(address: string): Promise<Recipient> {
    const key = address.toLowerCase();
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < RESOLVE_CACHE_MS) return { ...hit.recipient, address };
    const recipient = await resolveRecipient(this.link, address, this.delimiter);
    if (this.cache.size >= RESOLVE_CACHE_MAX) this.cache.clear();
    this.cache.set(key, { at: now, recipient });
    return recipient;
  }
}

/**
 * Hard quota at RCPT when the size is known (MAIL FROM ... SIZE=n): refused if the store is
 * already at its hard limit or the message would take it there. Without a size the server
 * decides at delivery (452 4.2.2).
 */
export async function checkQuota(link: ServerLink, r: Recipient, messageSize: number): Promise<void> {
  refuseOverQuota(r, messageSize, await quotaStatus(link, r));
}

async function quotaStatus(link: ServerLink, r: Recipient): Promise<Output<'GetQuotaStatus'>['status']> {
  try {
    return (await link.call('GetQuotaStatus', { username: r.username })).status;
  } catch (e) {
    throw fromServerError(e);
  }
}

function refuseOverQuota(r: Recipient, messageSize: number, status: Output<'GetQuotaStatus'>['status']): void {
  const { level, size, hard } = status;
  if (level === 'hard' || (hard > 0 && size + messageSize > hard))
    throw new DeliveryError('over-quota', `${r.username}: ${size} + ${messageSize} bytes, hard limit ${hard}`);
}

/**
 * checkQuota for a running LMTP service: a user found without a hard limit is not asked about
 * again for RESOLVE_CACHE_MS (there is nothing to refuse at RCPT, whatever the size). A hard limit
 * set meanwhile applies at RCPT once that passes, and at delivery at once: the server refuses
 * there (452 4.2.2). Users with a hard limit are asked every time.
 */
export class QuotaChecker {
  private readonly unlimited = new Map<string, number>();

  constructor(private readonly link: ServerLink) {}

  async check(r: Recipient, messageSize: number): Promise<void> {
    const now = Date.now();
    const since = this.unlimited.get(r.username);
    if (since !== undefined && now - since < RESOLVE_CACHE_MS) return;
    const status = await quotaStatus(this.link, r);
    if (status.hard === 0 && status.level !== 'hard') {
      if (this.unlimited.size >= RESOLVE_CACHE_MAX) this.unlimited.clear();
      this.unlimited.set(r.username, now);
    } else this.unlimited.delete(r.username);
    refuseOverQuota(r, messageSize, status);
  }
}
