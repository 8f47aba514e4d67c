/**
 * One message to its recipients: one deliverMessage call (one server transaction, one blob for
 * all), one target per distinct user (several addresses of one user are delivered once, as KGC
 * does), each target carrying a delivery key so that a retry of the same message after a lost
 * reply finds the stored copy instead of making a second one.
 */
import { createHash } from 'node:crypto';
import type { ServerLink } from '@kgc/soap';
import { isKcErrorCode, KcError } from '@kgc/soap';
import { DeliveryError, fromServerError } from './errors.js';
import { chooseFolder, type FolderCache } from './folders.js';
import type { Recipient } from './recipients.js';

export interface DeliverDeps {
  link: ServerLink;
  folders: FolderCache;
}

export interface Delivery {
  /** The bytes to store: the trace headers and then the received bytes. */
  message: Buffer;
  /** The bytes as received: with the user, the delivery key (stable across MTA retries). */
  received: Buffer;
  /** In RCPT order. */
  recipients: readonly Recipient[];
  junk: boolean;
}

export type Outcome = { ok: true; messageId: number } | { ok: false; error: DeliveryError };

/** SHA-256 over the received bytes and the resolved user: the same message to the same user, the same key. */
export function deliveryKey(receivedHash: string, userId: number): string {
  return createHash('sha256').update(`${receivedHash}\0${userId}`).digest('hex');
}

interface UserTarget {
  recipient: Recipient;
  key: string;
}

const fail = (error: DeliveryError): Outcome => ({ ok: false, error });

export async function deliver(deps: DeliverDeps, d: Delivery): Promise<Outcome[]> {
  const receivedHash = createHash('sha256').update(d.received).digest('hex');
  const users = new Map<number, UserTarget>();
  for (const r of d.recipients) {
    if (!users.has(r.userId)) users.set(r.userId, { recipient: r, key: deliveryKey(receivedHash, r.userId) });
  }
  const outcomes = new Map<number, Outcome>();
  let pending = [...users.values()];
  // A second round only when a folder vanished since it was looked up (cache refreshed).
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    const fresh = round > 0;
    const chosen = await Promise.all(
      pending.map(async (u) => {
        try {
          const folders = await deps.folders.get(u.recipient.storeId, fresh || u.recipient.folder !== undefined);
          const folderId = chooseFolder(folders, {
            junk: d.junk,
            ...(u.recipient.folder !== undefined ? { folder: u.recipient.folder } : {}),
          });
          return { u, folderId };
        } catch (e) {
          outcomes.set(u.recipient.userId, fail(fromServerError(e)));
          return null;
        }
      }),
    );
    const batch = chosen.filter((c): c is { u: UserTarget; folderId: number } => c !== null);
    if (batch.length === 0) break;
    let results: Array<{ messageId?: number | undefined; error?: string | undefined }>;
    try {
      const r = await deps.link.call('deliverMessage', {
        raw: d.message,
        targets: batch.map((b) => ({ folderId: b.folderId, flags: [], deliveryKey: b.u.key })),
        ignoreQuota: false,
      });
      results = r.results;
    } catch (e) {
      if (round === 0 && e instanceof KcError && e.code === 'KCERR_NOT_FOUND') {
        for (const b of batch) deps.folders.forget(b.u.recipient.storeId);
        pending = batch.map((b) => b.u);
        continue;
      }
      const error = fromServerError(e);
      for (const b of batch) outcomes.set(b.u.recipient.userId, fail(error));
      break;
    }
    const retry: UserTarget[] = [];
    batch.forEach((b, i) => {
      const res = results[i];
      if (res?.messageId !== undefined) {
        outcomes.set(b.u.recipient.userId, { ok: true, messageId: res.messageId });
      } else if (round === 0 && res?.error === 'KCERR_NOT_FOUND') {
        deps.folders.forget(b.u.recipient.storeId);
        retry.push(b.u);
      } else {
        const code = isKcErrorCode(res?.error) ? res.error : 'KCERR_UNKNOWN';
        outcomes.set(b.u.recipient.userId, fail(fromServerError(new KcError(code, `target ${b.folderId}: ${code}`))));
      }
    });
    pending = retry;
  }
  return d.recipients.map(
    (r) => outcomes.get(r.userId) ?? fail(new DeliveryError('temporary', 'the target folder keeps vanishing')),
  );
}
