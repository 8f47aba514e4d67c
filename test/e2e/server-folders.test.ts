/** Folders: default folders, create/rename/move/delete/empty, status counters, on SQLite and MariaDB. */
import type { KgcSession } from '@kgc/soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeEngines, expectCode, folderStatus, mail, newUser, put, type TestUser, uniq } from './helpers.js';

describeEngines('server folders', (engine) => {
  let t: TestServer;
  let admin: KgcSession;
  let a: TestUser;
  let s: KgcSession;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    admin = await t.admin();
    a = await newUser(t, admin);
    s = a.session;
  });
  afterAll(async () => {
    await t?.close();
  });

  const mkdir = async (name: string, parentId?: number) =>
    (await s.call('createFolder', { storeId: a.storeId, name, ...(parentId !== undefined ? { parentId } : {}) }))
      .folder;
  const hierarchy = async () => (await s.call('getHierarchy', { storeId: a.storeId })).folders;

  it('a new store has the ten default folders at the top level with their special use', async () => {
    const rows = a.folders.map((f) => ({
      name: f.name,
      specialUse: f.specialUse,
      containerClass: f.containerClass,
      parentId: f.parentId,
      storeId: f.storeId,
      messages: f.messages,
      unseen: f.unseen,
      size: f.size,
      uidNext: f.uidNext,
      subscribed: f.subscribed,
    }));
    const empty = {
      parentId: undefined,
      storeId: a.storeId,
      messages: 0,
      unseen: 0,
      size: 0,
      uidNext: 1,
      subscribed: true,
    };
    expect(rows).toEqual([
      { name: 'Calendar', specialUse: 'calendar', containerClass: 'IPF.Appointment', ...empty },
      { name: 'Contacts', specialUse: 'contacts', containerClass: 'IPF.Contact', ...empty },
      { name: 'Deleted Items', specialUse: 'trash', containerClass: 'IPF.Note', ...empty },
      { name: 'Drafts', specialUse: 'drafts', containerClass: 'IPF.Note', ...empty },
      { name: 'Inbox', specialUse: 'inbox', containerClass: 'IPF.Note', ...empty },
      { name: 'Junk E-mail', specialUse: 'junk', containerClass: 'IPF.Note', ...empty },
      { name: 'Notes', specialUse: 'notes', containerClass: 'IPF.StickyNote', ...empty },
      { name: 'Outbox', specialUse: 'outbox', containerClass: 'IPF.Note', ...empty },
      { name: 'Sent Items', specialUse: 'sent', containerClass: 'IPF.Note', ...empty },
      { name: 'Tasks', specialUse: 'tasks', containerClass: 'IPF.Task', ...empty },
    ]);
    expect(new Set(a.folders.map((f) => f.uidValidity)).size).toBe(10);
  });

  it('createFolder at the top level and below a parent; a taken name (any case) is KCERR_COLLISION', async () => {
    const name = uniq('Top');
    const top = await mkdir(name);
    expect(top.parentId).toBeUndefined();
    expect(top.specialUse).toBeUndefined();
    expect(top).toMatchObject({
      storeId: a.storeId,
      name,
      containerClass: 'IPF.Note',
      uidNext: 1,
      messages: 0,
      unseen: 0,
      size: 0,
      subscribed: true,
    });
    const child = await mkdir('Child', top.folderId);
    expect(child).toMatchObject({ parentId: top.folderId, name: 'Child' });
    const cal = (
      await s.call('createFolder', {
        storeId: a.storeId,
        parentId: top.folderId,
        name: 'Cal',
        containerClass: 'IPF.Appointment',
      })
    ).folder;
    expect(cal.containerClass).toBe('IPF.Appointment');
    await expectCode(mkdir(name.toUpperCase()), 'KCERR_COLLISION');
    await expectCode(mkdir('child', top.folderId), 'KCERR_COLLISION');
    await expectCode(mkdir('Inbox'), 'KCERR_COLLISION');
    await expectCode(mkdir(''), 'KCERR_INVALID_PARAMETER');
    await expectCode(mkdir('x'.repeat(256)), 'KCERR_INVALID_PARAMETER');
    // The same name below another parent is fine.
    expect((await mkdir('Child', a.folder('inbox'))).parentId).toBe(a.folder('inbox'));
    const listed = await hierarchy();
    expect(listed.find((f) => f.folderId === child.folderId)).toEqual(child);
  });

  it('copyFolder renames and moves (newParentId 0 = top level); uidvalidity and contents stay', async () => {
    const f = await mkdir(uniq('Move'));
    const p = await mkdir(uniq('Parent'));
    const m = await put(s, f.folderId, mail({ subject: 'kept' }));
    const renamed = (await s.call('copyFolder', { folderId: f.folderId, newName: `${f.name}-renamed` })).folder;
    expect(renamed).toMatchObject({ folderId: f.folderId, name: `${f.name}-renamed`, uidValidity: f.uidValidity });
    expect(renamed.parentId).toBeUndefined();
    const moved = (await s.call('copyFolder', { folderId: f.folderId, newParentId: p.folderId })).folder;
    expect(moved).toMatchObject({ folderId: f.folderId, parentId: p.folderId, name: `${f.name}-renamed`, messages: 1 });
    const both = (await s.call('copyFolder', { folderId: f.folderId, newParentId: 0, newName: f.name })).folder;
    expect(both).toMatchObject({ folderId: f.folderId, name: f.name, uidValidity: f.uidValidity, uidNext: 2 });
    expect(both.parentId).toBeUndefined();
    expect((await s.call('loadObject', { messageId: m.messageId, sections: [] })).message).toMatchObject({
      folderId: f.folderId,
      uid: m.uid,
    });
    await expectCode(s.call('copyFolder', { folderId: f.folderId }), 'KCERR_INVALID_PARAMETER');
    await expectCode(s.call('copyFolder', { folderId: f.folderId, newName: p.name }), 'KCERR_COLLISION');
    await expectCode(s.call('copyFolder', { folderId: f.folderId, newParentId: 999_999_999 }), 'KCERR_NOT_FOUND');
  });

  it('moving a folder into itself or its own descendant is KCERR_INVALID_TYPE', async () => {
    const f = await mkdir(uniq('Loop'));
    const c = await mkdir('C', f.folderId);
    const g = await mkdir('G', c.folderId);
    await expectCode(s.call('copyFolder', { folderId: f.folderId, newParentId: f.folderId }), 'KCERR_INVALID_TYPE');
    await expectCode(s.call('copyFolder', { folderId: f.folderId, newParentId: g.folderId }), 'KCERR_INVALID_TYPE');
    expect((await folderStatus(s, f.folderId)).parentId).toBeUndefined();
  });

  it('deleteFolder removes the folder, its subfolders and their messages; default folders are KCERR_NO_ACCESS', async () => {
    const f = await mkdir(uniq('Del'));
    const c = await mkdir('Sub', f.folderId);
    const m = await put(s, c.folderId, mail());
    const sizeBefore = (await s.call('getStore', {})).store.size;
    await s.call('deleteFolder', { folderId: f.folderId });
    await expectCode(folderStatus(s, f.folderId), 'KCERR_NOT_FOUND');
    await expectCode(folderStatus(s, c.folderId), 'KCERR_NOT_FOUND');
    await expectCode(s.call('loadObject', { messageId: m.messageId, sections: [] }), 'KCERR_NOT_FOUND');
    expect((await s.call('getStore', {})).store.size).toBe(sizeBefore - mail().length);
    await expectCode(s.call('deleteFolder', { folderId: f.folderId }), 'KCERR_NOT_FOUND');
    for (const role of ['inbox', 'sent', 'trash', 'calendar'] as const) {
      await expectCode(s.call('deleteFolder', { folderId: a.folder(role) }), 'KCERR_NO_ACCESS');
    }
    expect((await hierarchy()).filter((x) => x.specialUse !== undefined)).toHaveLength(10);
  });

  it('a default folder moved below another folder is not deleted with it (KCERR_NO_ACCESS)', async () => {
    const p = await mkdir(uniq('Holder'));
    const mid = await mkdir('Mid', p.folderId);
    await s.call('copyFolder', { folderId: a.folder('junk'), newParentId: mid.folderId });
    await expectCode(s.call('deleteFolder', { folderId: p.folderId }), 'KCERR_NO_ACCESS');
    expect((await folderStatus(s, a.folder('junk'))).specialUse).toBe('junk');
    expect((await folderStatus(s, mid.folderId)).parentId).toBe(p.folderId);
    await s.call('copyFolder', { folderId: a.folder('junk'), newParentId: 0 });
    await s.call('deleteFolder', { folderId: p.folderId });
    await expectCode(folderStatus(s, mid.folderId), 'KCERR_NOT_FOUND');
  });

  it('emptyFolder deletes every message, keeps the folder, its subfolders and uidnext', async () => {
    const f = await mkdir(uniq('Empty'));
    const sub = await mkdir('Sub', f.folderId);
    const kept = await put(s, sub.folderId, mail());
    for (let i = 0; i < 3; i++) await put(s, f.folderId, mail({ subject: `e${i}` }));
    const before = await folderStatus(s, f.folderId);
    expect(before).toMatchObject({ messages: 3, unseen: 3, uidNext: 4 });
    const { modseq } = await s.call('emptyFolder', { folderId: f.folderId });
    expect(modseq).toBeGreaterThan(before.highestModseq);
    expect(await folderStatus(s, f.folderId)).toMatchObject({
      messages: 0,
      unseen: 0,
      size: 0,
      uidNext: 4,
      uidValidity: before.uidValidity,
      highestModseq: modseq,
    });
    expect((await s.call('loadObject', { messageId: kept.messageId, sections: [] })).message.folderId).toBe(
      sub.folderId,
    );
    // An empty folder: nothing to do, still a valid answer.
    expect((await s.call('emptyFolder', { folderId: f.folderId })).modseq).toBeGreaterThanOrEqual(modseq);
  });

  it('getFolderStatus counts messages, unseen, size, uidnext and highest modseq through creates, flags and deletes', async () => {
    const f = await mkdir(uniq('Status'));
    const s0 = await folderStatus(s, f.folderId);
    expect(s0).toMatchObject({ messages: 0, unseen: 0, size: 0, uidNext: 1 });
    const raws = [mail({ subject: 'one' }), mail({ subject: 'two', body: 'longer body' }), mail({ subject: 'three' })];
    const m1 = await put(s, f.folderId, raws[0] as Buffer);
    const m2 = await put(s, f.folderId, raws[1] as Buffer, ['\\Seen']);
    const m3 = await put(s, f.folderId, raws[2] as Buffer, ['\\Flagged']);
    expect([m1.uid, m2.uid, m3.uid]).toEqual([1, 2, 3]);
    expect(m2.modseq).toBeGreaterThan(m1.modseq);
    const total = raws.reduce((n, r) => n + r.length, 0);
    expect(await folderStatus(s, f.folderId)).toMatchObject({
      messages: 3,
      unseen: 2,
      size: total,
      uidNext: 4,
      uidValidity: s0.uidValidity,
      highestModseq: m3.modseq,
    });
    const seen = await s.call('setMessageFlags', {
      folderId: f.folderId,
      messageIds: [m1.messageId],
      add: ['\\Seen'],
      remove: [],
      replace: [],
    });
    expect(await folderStatus(s, f.folderId)).toMatchObject({ messages: 3, unseen: 1, highestModseq: seen.modseq });
    const unseen = await s.call('setMessageFlags', {
      folderId: f.folderId,
      messageIds: [m2.messageId],
      add: [],
      remove: ['\\Seen'],
      replace: [],
    });
    expect(await folderStatus(s, f.folderId)).toMatchObject({ unseen: 2, highestModseq: unseen.modseq });
    const del = await s.call('deleteObjects', { messageIds: [m2.messageId, m3.messageId] });
    expect(await folderStatus(s, f.folderId)).toMatchObject({
      messages: 1,
      unseen: 0,
      size: (raws[0] as Buffer).length,
      uidNext: 4,
      highestModseq: del.modseq,
    });
    const m4 = await put(s, f.folderId, mail());
    expect(m4.uid).toBe(4);
    // getHierarchy shows the same counters.
    expect((await hierarchy()).find((x) => x.folderId === f.folderId)).toEqual(await folderStatus(s, f.folderId));
  });

  it('a folder deleted and created again under the same name gets a new uidvalidity', async () => {
    const name = uniq('Again');
    const first = await mkdir(name);
    await s.call('deleteFolder', { folderId: first.folderId });
    const second = await mkdir(name);
    expect(second.folderId).not.toBe(first.folderId);
    expect(second.uidValidity).not.toBe(first.uidValidity);
  });

  it('setFolderSubscribed toggles the subscription', async () => {
    const f = await mkdir(uniq('Sub'));
    await s.call('setFolderSubscribed', { folderId: f.folderId, subscribed: false });
    expect((await folderStatus(s, f.folderId)).subscribed).toBe(false);
    await s.call('setFolderSubscribed', { folderId: f.folderId, subscribed: true });
    expect((await folderStatus(s, f.folderId)).subscribed).toBe(true);
  });
});
