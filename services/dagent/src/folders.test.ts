import type { Output } from '@kgc/soap';
import { describe, expect, it } from 'vitest';
import { chooseFolder, indexFolders } from './folders.js';

type Folder = Output<'getHierarchy'>['folders'][number];

function folder(folderId: number, name: string, extra: Partial<Folder> = {}): Folder {
  return {
    folderId,
    storeId: 1,
    name,
    containerClass: 'IPF.Note',
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

const folders = indexFolders([
  folder(1, 'Inbox', { specialUse: 'inbox' }),
  folder(2, 'Junk E-mail', { specialUse: 'junk' }),
  folder(3, 'Outbox', { specialUse: 'outbox' }),
  folder(4, 'Calendar', { specialUse: 'calendar', containerClass: 'IPF.Appointment' }),
  folder(5, 'Lists'),
  folder(6, 'KGC', { parentId: 5 }),
  folder(7, 'Sub', { parentId: 1 }),
]);

describe('chooseFolder', () => {
  it.each([
    [{ junk: false }, 1],
    [{ junk: true }, 2],
    [{ junk: true, folder: 'lists' }, 2],
    [{ junk: false, folder: 'lists' }, 5],
    [{ junk: false, folder: 'LISTS/kgc' }, 6],
    [{ junk: false, folder: 'inbox/sub' }, 7],
    [{ junk: false, folder: 'kgc' }, 1],
    [{ junk: false, folder: 'outbox' }, 1],
    [{ junk: false, folder: 'calendar' }, 1],
    [{ junk: false, folder: 'nosuch' }, 1],
  ])('%j → %i', (choice, expected) => {
    expect(chooseFolder(folders, choice)).toBe(expected);
  });

  it('without a Junk folder, spam goes to Inbox; a store without Inbox is an error', () => {
    expect(chooseFolder(indexFolders([folder(1, 'Inbox', { specialUse: 'inbox' })]), { junk: true })).toBe(1);
    expect(() => indexFolders([folder(5, 'Lists')])).toThrow(/no Inbox/);
  });
});
