import { parseSequenceSet } from '@kgc/imap-proto';
import { describe, expect, it } from 'vitest';
import { type FlagGroup, viewRuns } from '../store/flag-groups.js';
import type { FolderHandle, FolderInfo, MessageMeta } from '../store/types.js';
import { SelectedMailbox } from './selected.js';

const folder: FolderInfo = {
  folderId: 1,
  parentId: undefined,
  name: 'Inbox',
  containerClass: 'IPF.Note',
  specialUse: 'inbox',
  uidValidity: 7,
  uidNext: 4,
  highestModseq: 3,
  messages: 3,
  unseen: 3,
  size: 300,
  subscribed: true,
};

const meta = (uid: number, flags: string[] = [], modseq = uid): MessageMeta => ({
  uid,
  messageId: 100 + uid,
  modseq,
  flags,
  size: 100,
  internalDate: new Date(0),
});

/** A cache stand-in: its array and version change as the store would change them. */
function fakeHandle(list: MessageMeta[]) {
  let current: readonly MessageMeta[] = list;
  let version = 0;
  const handle: FolderHandle = {
    folderId: 1,
    uidValidity: 7,
    messages: () => current,
    version: () => version,
    highestModseq: () => 3,
    uidNext: () => 4,
    refresh: async () => undefined,
    release: () => undefined,
  };
  const replace = (next: readonly MessageMeta[]) => {
    current = next;
    version++;
  };
  return { handle, replace };
}

const seenAll: FlagGroup[] = [{ modseq: 4, flags: ['\\Seen'], uids: [[1, 3]] }];
const applied = (list: readonly MessageMeta[]) => list.map((m) => ({ ...m, flags: ['\\Seen'], modseq: 4 }));

describe('SelectedMailbox.applyOwn after a STORE', () => {
  it('takes the cache’s array when only the STORE’s answer replaced it (in step, no copy)', () => {
    const { handle, replace } = fakeHandle([meta(1), meta(2), meta(3)]);
    const m = new SelectedMailbox('INBOX', folder, handle, false);
    const token = m.ownChangeToken();
    expect(token).toBe(0);
    replace(applied(handle.messages()));
    m.applyOwn(seenAll, token);
    expect(m.view).toBe(handle.messages());
    expect(m.inStep).toBe(true);
  });

  it('applies the answer to its own copy when something else replaced the array too', () => {
    const { handle, replace } = fakeHandle([meta(1), meta(2), meta(3)]);
    const m = new SelectedMailbox('INBOX', folder, handle, false);
    const token = m.ownChangeToken();
    // A refresh merged a new message (the session has not announced it), then the answer applied.
    replace([...handle.messages(), meta(4)]);
    replace(applied(handle.messages()));
    m.applyOwn(seenAll, token);
    expect(m.view).not.toBe(handle.messages());
    expect(m.view.map((e) => [e.uid, e.flags, e.modseq])).toEqual([
      [1, ['\\Seen'], 4],
      [2, ['\\Seen'], 4],
      [3, ['\\Seen'], 4],
    ]);
    expect(m.inStep).toBe(false);
  });

  it('gives no token when out of step', () => {
    const { handle, replace } = fakeHandle([meta(1)]);
    const m = new SelectedMailbox('INBOX', folder, handle, false);
    replace([meta(1), meta(2)]);
    expect(m.ownChangeToken()).toBeUndefined();
  });
});

describe('SelectedMailbox.uidRuns', () => {
  it('equals viewRuns over the messages one by one, with and without unreported expunges', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      // Uids with gaps (expunged earlier), some of them gone now but not reported (ghosts).
      const uids: number[] = [];
      for (let u = 1, n = 1 + rand(40); uids.length < n; u += 1 + rand(3)) uids.push(u);
      const { handle, replace } = fakeHandle(uids.map((u) => meta(u)));
      const m = new SelectedMailbox('INBOX', folder, handle, false);
      if (round % 2 === 1) {
        replace(handle.messages().filter(() => rand(4) !== 0));
        m.sync(false);
      }
      const max = uids[uids.length - 1] ?? 1;
      const parts = Array.from({ length: 1 + rand(4) }, () => {
        const a = 1 + rand(round % 3 === 0 ? max + 2 : uids.length + 2);
        const b = rand(3) === 0 ? '*' : String(1 + rand(max + 2));
        return rand(2) === 0 ? String(a) : `${a}:${b}`;
      });
      const set = parseSequenceSet(parts.join(','));
      // A message number above the count (in a range without `*`) is refused (RFC 3501 §9).
      const beyond = set.ranges.some((r) => r.from !== '*' && r.to !== '*' && Math.max(r.from, r.to) > m.exists);
      for (const byUid of [false, true]) {
        if (!byUid && beyond) {
          expect(() => m.uidRuns(set, false)).toThrow(/Invalid message number/);
          expect(() => m.resolve(set, false)).toThrow(/Invalid message number/);
          continue;
        }
        const targets = m.resolve(set, byUid).filter((t) => !m.isExpunged(t.entry.uid));
        const want = viewRuns(targets.map((t) => ({ seq: t.seq, uid: t.entry.uid })));
        expect(m.uidRuns(set, byUid), `${parts.join(',')} uid=${byUid}`).toEqual(want);
      }
    }
  });
});
