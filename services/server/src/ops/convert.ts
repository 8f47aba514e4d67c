/** Storage records to the SOAP API's types. */
import type { Output } from '@kgc/soap';
import type { FolderRecord } from '../storage/folder-types.js';
import type { JournalEntry } from '../storage/journal.js';
import type { QuotaStatus } from '../storage/quota.js';
import type { StoreRecord } from '../storage/stores.js';
import type { GroupRecord, UserDetails, UserRecord } from '../storage/user-types.js';

type FolderOut = Output<'createFolder'>['folder'];
type UserOut = Output<'getUser'>['user'];
type StoreOut = Output<'getStore'>['store'];
type ChangeOut = Output<'getChanges'>['changes'][number];
type StatusOut = Output<'GetQuotaStatus'>['status'];
type GroupOut = Output<'getGroup'>['group'];

export function folderOut(f: FolderRecord, rootFolderId?: number): FolderOut {
  return {
    folderId: f.id,
    storeId: f.storeId,
    parentId: f.parentId === null || f.parentId === rootFolderId ? undefined : f.parentId,
    name: f.name,
    containerClass: f.containerClass ?? 'IPF.Note',
    specialUse: f.role ?? undefined,
    uidValidity: f.uidvalidity,
    uidNext: f.uidnext,
    highestModseq: f.highestModseq,
    messages: f.messageCount,
    unseen: f.unseenCount,
    size: f.size,
    subscribed: f.subscribed,
  };
}

export const ALL_FEATURES = ['imap', 'pop3'] as const;

/** KGC: server-wide disabled_features, then the user's own enabled/disabled lists win. */
export function effectiveFeatures(u: UserRecord, serverDisabled: readonly string[]): string[] {
  return ALL_FEATURES.filter((f) => {
    if ((u.disabledFeatures as string[]).includes(f)) return false;
    if ((u.enabledFeatures as string[]).includes(f)) return true;
    return !serverDisabled.includes(f);
  });
}

export function userOut(u: UserRecord | UserDetails, serverDisabled: readonly string[]): UserOut {
  const details = 'aliases' in u ? u : undefined;
  return {
    userId: u.id,
    username: u.loginName,
    fullName: u.fullName,
    email: u.email ?? undefined,
    isAdmin: u.isAdmin,
    active: u.active,
    source: u.source,
    aliases: details?.aliases ?? [],
    sendAs: details?.sendAs.map((s) => s.loginName) ?? [],
    enabledFeatures: [...u.enabledFeatures],
    disabledFeatures: [...u.disabledFeatures],
    features: effectiveFeatures(u, serverDisabled),
    storeId: u.storeId ?? undefined,
    quota: { override: u.quota.override, warn: u.quota.warn, soft: u.quota.soft, hard: u.quota.hard },
  };
}

export function storeOut(s: StoreRecord, user: UserRecord | null): StoreOut {
  return {
    storeId: s.id,
    guid: s.guid,
    userId: s.userId ?? 0,
    username: user?.loginName ?? '',
    size: s.size,
    highestModseq: s.highestModseq,
  };
}

export function changeOut(e: JournalEntry): ChangeOut {
  return {
    modseq: e.modseq,
    kind: e.kind,
    folderId: e.folderId,
    messageId: e.messageId ?? undefined,
    uid: e.uid ?? undefined,
    uidLast: e.uidLast ?? undefined,
  };
}

export function statusOut(q: QuotaStatus): StatusOut {
  return { size: q.size, warn: q.warn, soft: q.soft, hard: q.hard, level: q.level };
}

export function groupOut(g: GroupRecord, members: readonly UserRecord[]): GroupOut {
  return { groupId: g.id, name: g.name, email: g.email ?? undefined, members: members.map((m) => m.loginName) };
}
