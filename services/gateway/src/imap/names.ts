/**
 * KGC's folder mapping (kopano.md §7): the IPM subtree is the root, `/` the delimiter, the Inbox
 * is `INBOX` (its subfolders `INBOX/...`), and with imap_only_mailfolders only IPF.Note folders
 * (a non-mail folder hides its subtree). A folder whose name holds the delimiter cannot be named
 * in IMAP and is left out. Pure: built from the store's folder list.
 */
import type { FolderInfo } from '../store/types.js';

export const DELIMITER = '/';

export interface MailboxEntry {
  name: string;
  folder: FolderInfo;
  hasChildren: boolean;
}

/** Special-use attributes (RFC 6154) as KGC's LIST emits them. */
const SPECIAL_USE: Record<string, string> = {
  sent: '\\Sent',
  trash: '\\Trash',
  drafts: '\\Drafts',
  junk: '\\Junk',
};

export function specialUseOf(f: FolderInfo): string | undefined {
  return f.specialUse ? SPECIAL_USE[f.specialUse] : undefined;
}

function isMailFolder(f: FolderInfo): boolean {
  return f.containerClass === '' || f.containerClass === 'IPF.Note' || f.containerClass.startsWith('IPF.Note.');
}

export class MailboxTree {
  readonly entries: MailboxEntry[];
  private readonly byName = new Map<string, MailboxEntry>();
  private readonly byId = new Map<number, MailboxEntry>();

  constructor(folders: readonly FolderInfo[], onlyMail: boolean) {
    const byId = new Map(folders.map((f) => [f.folderId, f]));
    const names = new Map<number, string | null>();
    const nameOf = (f: FolderInfo, depth = 0): string | null => {
      const known = names.get(f.folderId);
      if (known !== undefined) return known;
      let name: string | null;
      if (depth > 100 || (onlyMail && !isMailFolder(f)) || f.name.includes(DELIMITER) || f.name === '') name = null;
      else {
        const own = f.specialUse === 'inbox' ? 'INBOX' : f.name;
        const parent = f.parentId === undefined ? undefined : byId.get(f.parentId);
        if (f.parentId !== undefined && !parent) name = null;
        else if (!parent) name = own;
        else {
          const p = nameOf(parent, depth + 1);
          name = p === null ? null : `${p}${DELIMITER}${own}`;
        }
      }
      names.set(f.folderId, name);
      return name;
    };
    this.entries = [];
    for (const f of folders) {
      const name = nameOf(f);
      // A top-level folder that is not the Inbox but is called INBOX (any case) would shadow it.
      if (
        name === null ||
        (f.specialUse !== 'inbox' && name.split(DELIMITER)[0]?.toUpperCase() === 'INBOX' && f.parentId === undefined)
      )
        continue;
      const e: MailboxEntry = { name, folder: f, hasChildren: false };
      this.entries.push(e);
      this.byName.set(key(name), e);
      this.byId.set(f.folderId, e);
    }
    for (const e of this.entries) {
      const parent = e.folder.parentId === undefined ? undefined : this.byId.get(e.folder.parentId);
      if (parent) parent.hasChildren = true;
    }
    this.entries.sort((a, b) =>
      a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  find(name: string): MailboxEntry | undefined {
    return this.byName.get(key(name));
  }

  byFolderId(id: number): MailboxEntry | undefined {
    return this.byId.get(id);
  }

  /**
   * LIST/LSUB: reference and pattern joined (RFC 3501 §6.3.8), `*` and `%` wildcards. Names are
   * case-sensitive but INBOX, whose first level matches in any case (`In*` finds it, as Dovecot).
   */
  match(reference: string, pattern: string): MailboxEntry[] {
    const joined = joinReference(reference, pattern);
    const re = patternRegExp(joined);
    const inboxRe = inboxPatternRegExp(joined);
    return this.entries.filter((e) => re.test(e.name) || (isUnderInbox(e.name) && inboxRe.test(e.name)));
  }
}

/** INBOX is case-insensitive, including as the first level of a path. */
function key(name: string): string {
  const [first, ...rest] = name.split(DELIMITER);
  return first?.toUpperCase() === 'INBOX' ? ['INBOX', ...rest].join(DELIMITER) : name;
}

export function joinReference(reference: string, pattern: string): string {
  if (reference === '' || pattern.startsWith(DELIMITER)) return pattern;
  return reference.endsWith(DELIMITER) ? `${reference}${pattern}` : `${reference}${DELIMITER}${pattern}`;
}

function isUnderInbox(name: string): boolean {
  return name === 'INBOX' || name.startsWith(`INBOX${DELIMITER}`);
}

/** The pattern with its first level's letters in any case (tried on INBOX and its subfolders only). */
function inboxPatternRegExp(pattern: string): RegExp {
  const cut = pattern.indexOf(DELIMITER);
  const first = cut < 0 ? pattern : pattern.slice(0, cut);
  const rest = cut < 0 ? '' : pattern.slice(cut);
  const anyCase = patternSource(first).replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
  return new RegExp(`^${anyCase}${patternSource(rest)}$`, 's');
}

/** A LIST pattern as regular-expression source: `*` any text, `%` within one level, the rest literal. */
function patternSource(pattern: string): string {
  let src = '';
  for (const ch of key(pattern)) {
    if (ch === '*') src += '.*';
    else if (ch === '%') src += '[^/]*';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return src;
}

export function patternRegExp(pattern: string): RegExp {
  // INBOX matches case-insensitively when the pattern spells it out in any case (key()).
  return new RegExp(`^${patternSource(pattern)}$`, 's');
}

/** Parent path and last level of a name ("a/b/c" → "a/b", "c"); "" parent for a top-level name. */
export function splitName(name: string): { parent: string; leaf: string } {
  const i = name.lastIndexOf(DELIMITER);
  return i < 0 ? { parent: '', leaf: name } : { parent: name.slice(0, i), leaf: name.slice(i + 1) };
}
