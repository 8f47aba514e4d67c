import { describe, expect, it } from 'vitest';
import type { FolderInfo } from '../store/types.js';
import { joinReference, MailboxTree, patternRegExp, splitName } from './names.js';

let next = 1;
function folder(name: string, parentId?: number, extra: Partial<FolderInfo> = {}): FolderInfo {
  return {
    folderId: next++,
    parentId,
    name,
    containerClass: 'IPF.Note',
    specialUse: undefined,
    uidValidity: 1,
    uidNext: 1,
    highestModseq: 0,
    messages: 0,
    unseen: 0,
    size: 0,
    subscribed: true,
    ...extra,
  };
}

describe('MailboxTree', () => {
  const inbox = folder('Inbox', undefined, { specialUse: 'inbox' });
  const sub = folder('lists', inbox.folderId);
  const sent = folder('Sent Items', undefined, { specialUse: 'sent' });
  const cal = folder('Calendar', undefined, { containerClass: 'IPF.Appointment', specialUse: 'calendar' });
  const underCal = folder('Inside', cal.folderId);
  const slash = folder('a/b');
  const fake = folder('inbox');
  const deep = folder('x');
  const deeper = folder('ÿ ünï', deep.folderId);
  const all = [inbox, sub, sent, cal, underCal, slash, fake, deep, deeper];

  it('names folders KGC-style and hides non-mail subtrees and unnameable folders', () => {
    const t = new MailboxTree(all, true);
    expect(t.entries.map((e) => e.name)).toEqual(['INBOX', 'INBOX/lists', 'Sent Items', 'x', 'x/ÿ ünï']);
    expect(t.find('inbox/LISTS')).toBeUndefined();
    expect(t.find('inbox/lists')?.folder.folderId).toBe(sub.folderId);
    expect(t.find('Inbox')?.folder.folderId).toBe(inbox.folderId);
    expect(t.find('sent items')).toBeUndefined();
    expect(t.find('INBOX')?.hasChildren).toBe(true);
    expect(t.find('Sent Items')?.hasChildren).toBe(false);
  });

  it('with imap_only_mailfolders = no, every folder', () => {
    const t = new MailboxTree(all, false);
    expect(t.entries.map((e) => e.name)).toContain('Calendar/Inside');
  });

  it.each([
    ['', '*', ['INBOX', 'INBOX/lists', 'Sent Items', 'x', 'x/ÿ ünï']],
    ['', '%', ['INBOX', 'Sent Items', 'x']],
    ['', 'inbox', ['INBOX']],
    ['', 'In*', ['INBOX', 'INBOX/lists']],
    ['', 'in%', ['INBOX']],
    ['', 'iNbOx/%', ['INBOX/lists']],
    ['', 'inbox/LISTS', []],
    ['', 's*', []],
    ['', '*x', ['INBOX', 'x']],
    ['', 'INBOX/%', ['INBOX/lists']],
    ['INBOX', '%', ['INBOX/lists']],
    ['x/', '*', ['x/ÿ ünï']],
    ['', 'S*', ['Sent Items']],
    ['', '../*', []],
    ['', '.*', []],
    ['', '(', []],
  ])('match(%j, %j)', (ref, pattern, names) => {
    const t = new MailboxTree(all, true);
    expect(t.match(ref, pattern).map((e) => e.name)).toEqual(names);
  });

  it('helpers', () => {
    expect(joinReference('a', 'b')).toBe('a/b');
    expect(joinReference('a/', 'b')).toBe('a/b');
    expect(joinReference('a', '/b')).toBe('/b');
    expect(patternRegExp('a.b').test('axb')).toBe(false);
    expect(splitName('a/b/c')).toEqual({ parent: 'a/b', leaf: 'c' });
    expect(splitName('a')).toEqual({ parent: '', leaf: 'a' });
  });
});
