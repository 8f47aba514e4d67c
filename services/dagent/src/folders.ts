/**
 * Where a message goes in a store: Junk E-mail for spam, the folder a plus address names when
 * it exists (a mail folder, matched by its path case-insensitively, e.g. `lists/kgc`), else
 * Inbox. Folder lists are cached per store for a short while; a folder that has gone since is
 * caught by the server (KCERR_NOT_FOUND) and the caller refreshes and retries.
 */
import type { Output, ServerLink } from '@kgc/soap';
import { fromServerError } from './errors.js';
import { FOLDER_CACHE_MAX, FOLDER_CACHE_MS } from './limits.js';

type Folder = Output<'getHierarchy'>['folders'][number];

export interface StoreFolders {
  inbox: number;
  junk: number | undefined;
  /** Lower-cased path (`/`-separated) → folder id, mail folders only (not Outbox). */
  byPath: Map<string, number>;
}

export function indexFolders(folders: readonly Folder[]): StoreFolders {
  const byId = new Map(folders.map((f) => [f.folderId, f]));
  const pathOf = (f: Folder): string => {
    const parts = [f.name];
    const seen = new Set([f.folderId]);
    for (let p = f.parentId; p !== undefined && !seen.has(p); ) {
      seen.add(p);
      const parent = byId.get(p);
      if (!parent) break;
      parts.unshift(parent.name);
      p = parent.parentId;
    }
    return parts.join('/').toLowerCase();
  };
  const inbox = folders.find((f) => f.specialUse === 'inbox');
  if (!inbox) throw new Error('the store has no Inbox');
  const byPath = new Map<string, number>();
  for (const f of folders) {
    if (f.containerClass !== 'IPF.Note' || f.specialUse === 'outbox') continue;
    const path = pathOf(f);
    if (!byPath.has(path)) byPath.set(path, f.folderId);
  }
  return { inbox: inbox.folderId, junk: folders.find((f) => f.specialUse === 'junk')?.folderId, byPath };
}

export interface FolderChoice {
  junk: boolean;
  /** From a plus address. */
  folder?: string;
}

export function chooseFolder(folders: StoreFolders, choice: FolderChoice): number {
  if (choice.junk && folders.junk !== undefined) return folders.junk;
  if (choice.folder !== undefined) {
    const id = folders.byPath.get(choice.folder.toLowerCase());
    if (id !== undefined) return id;
  }
  return folders.inbox;
}

export class FolderCache {
  private readonly entries = new Map<number, { at: number; folders: Promise<StoreFolders> }>();

  constructor(private readonly link: ServerLink) {}

  /** `fresh`: ignore a cached list (a plus address may name a folder created a moment ago). */
  get(storeId: number, fresh = false): Promise<StoreFolders> {
    const now = Date.now();
    const hit = this.entries.get(storeId);
    if (hit && !fresh && now - hit.at < FOLDER_CACHE_MS) return hit.folders;
    if (this.entries.size >= FOLDER_CACHE_MAX) this.entries.clear();
    const folders = this.link.call('getHierarchy', { storeId }).then(
      (r) => indexFolders(r.folders),
      (e: unknown) => {
        throw fromServerError(e);
      },
    );
    const entry = { at: now, folders };
    this.entries.set(storeId, entry);
    folders.catch(() => {
      if (this.entries.get(storeId) === entry) this.entries.delete(storeId);
    });
    return folders;
  }

  forget(storeId: number): void {
    this.entries.delete(storeId);
  }
}
