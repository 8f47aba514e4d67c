/**
 * "Store S changed up to modseq M" for the gateway's sessions (IMAP IDLE). With a bus, one
 * subscription to `kgc.store.*.changed` serves every store; without one, each watching session
 * long-polls the server (notifyGetItems) on its own session.
 */
import { type Bus, type Subscription, subjects } from '@kgc/bus';
import type { Logger } from '@kgc/log';

export type ChangeListener = (modseq: number) => void;

export interface ChangeWatcher {
  /** Whether notices come from the bus (else the caller long-polls). */
  readonly pushed: boolean;
  watch(storeId: number, listener: ChangeListener): () => void;
  close(): Promise<void>;
}

export function busWatcher(bus: Bus, log: Logger): ChangeWatcher {
  const listeners = new Map<number, Set<ChangeListener>>();
  let sub: Subscription | undefined;
  return {
    pushed: true,
    watch(storeId, listener) {
      sub ??= bus.subscribe(subjects.allStoreChanges, (p) => {
        for (const l of listeners.get(p.storeId) ?? []) {
          try {
            l(p.modseq);
          } catch (err) {
            log.warn({ err }, 'change listener failed');
          }
        }
      });
      let set = listeners.get(storeId);
      if (!set) {
        set = new Set();
        listeners.set(storeId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(storeId);
      };
    },
    async close() {
      await sub?.unsubscribe();
    },
  };
}
