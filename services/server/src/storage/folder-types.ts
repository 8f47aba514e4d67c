/** KGC's special folders; IMAP SPECIAL-USE and CalDAV discovery use the role. */
export const FOLDER_ROLES = [
  'inbox',
  'outbox',
  'sent',
  'trash',
  'drafts',
  'junk',
  'calendar',
  'contacts',
  'tasks',
  'notes',
] as const;
export type FolderRole = (typeof FOLDER_ROLES)[number];

export const CONTAINER_CLASSES = ['IPF.Note', 'IPF.Appointment', 'IPF.Contact', 'IPF.Task', 'IPF.StickyNote'] as const;
/** The known classes; other `IPF.*` values (IPF.Journal, IPF.Configuration, …) are accepted as well. */
export type ContainerClass = (typeof CONTAINER_CLASSES)[number];

export interface FolderRecord {
  id: number;
  storeId: number;
  /** null only for the hidden root of the store. */
  parentId: number | null;
  name: string;
  containerClass: string | null;
  role: FolderRole | null;
  uidvalidity: number;
  uidnext: number;
  highestModseq: number;
  messageCount: number;
  unseenCount: number;
  /** Sum of the message sizes, bytes. */
  size: number;
  subscribed: boolean;
  createdAt: number;
}

/** A folder in `listFolders`, with its path below the root (e.g. ['Inbox', 'Lists']). */
export interface FolderTreeEntry extends FolderRecord {
  path: string[];
  depth: number;
}

export interface FolderStatus {
  folderId: number;
  messages: number;
  unseen: number;
  uidnext: number;
  uidvalidity: number;
  highestModseq: number;
  size: number;
}

/** KGC's default folders of a new private store, created below the hidden root. */
export const DEFAULT_FOLDERS: ReadonlyArray<{ name: string; containerClass: ContainerClass; role: FolderRole }> = [
  { name: 'Inbox', containerClass: 'IPF.Note', role: 'inbox' },
  { name: 'Outbox', containerClass: 'IPF.Note', role: 'outbox' },
  { name: 'Sent Items', containerClass: 'IPF.Note', role: 'sent' },
  { name: 'Deleted Items', containerClass: 'IPF.Note', role: 'trash' },
  { name: 'Drafts', containerClass: 'IPF.Note', role: 'drafts' },
  { name: 'Junk E-mail', containerClass: 'IPF.Note', role: 'junk' },
  { name: 'Calendar', containerClass: 'IPF.Appointment', role: 'calendar' },
  { name: 'Contacts', containerClass: 'IPF.Contact', role: 'contacts' },
  { name: 'Tasks', containerClass: 'IPF.Task', role: 'tasks' },
  { name: 'Notes', containerClass: 'IPF.StickyNote', role: 'notes' },
];
