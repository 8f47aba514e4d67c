import { z } from 'zod';

/**
 * Payloads carried on the bus. They are notices ("something changed, re-read from SQL"), never data:
 * every field is an id, a counter or a short label. Schemas strip unknown keys, so a newer publisher may
 * add optional fields without breaking older subscribers during a rolling upgrade.
 */

const id = z.int().nonnegative();
const idList = z.array(id).max(10_000);

export const QUOTA_LEVELS = ['warn', 'soft', 'hard'] as const;
export type QuotaLevel = (typeof QUOTA_LEVELS)[number];

/** `kgc.store.<storeId>.changed`: the store's journal moved to `modseq`. */
export interface StoreChanged {
  storeId: number;
  modseq: number;
  folderIds?: number[] | undefined;
}
export const storeChangedSchema: z.ZodType<StoreChanged> = z.object({
  storeId: id,
  modseq: id,
  folderIds: idList.optional(),
});

/** `kgc.mail.submitted` (work): a message waits in the outgoing queue for the spooler. */
export interface MailSubmitted {
  storeId: number;
  queueId: number;
}
export const mailSubmittedSchema: z.ZodType<MailSubmitted> = z.object({ storeId: id, queueId: id });

/** `kgc.quota.<level>`: a store crossed a quota level. `size` is in bytes. */
export interface QuotaNotice {
  userId: number;
  storeId: number;
  level: QuotaLevel;
  size: number;
}
export const quotaNoticeSchema: z.ZodType<QuotaNotice> = z.object({
  userId: id,
  storeId: id,
  level: z.enum(QUOTA_LEVELS),
  size: id,
});

/** `kgc.presence.<user>`: a user's presence changed. `ts` is epoch milliseconds. */
export interface PresenceNotice {
  user: string;
  status: string;
  message?: string | undefined;
  ts: number;
}
export const presenceNoticeSchema: z.ZodType<PresenceNotice> = z.object({
  user: z.string().min(1).max(320),
  status: z.string().min(1).max(64),
  message: z.string().max(1024).optional(),
  ts: id,
});

/** `kgc.search.query` request. */
export interface SearchQuery {
  storeId: number;
  folderIds?: number[] | undefined;
  query: string;
  limit?: number | undefined;
}
export const searchQuerySchema: z.ZodType<SearchQuery> = z.object({
  storeId: id,
  folderIds: idList.optional(),
  query: z.string().max(4096),
  limit: z.int().positive().max(10_000).optional(),
});

/** `kgc.search.query` reply: matching message ids. */
export interface SearchReply {
  ids: number[];
}
export const searchReplySchema: z.ZodType<SearchReply> = z.object({ ids: idList });

/** `kgc.search.index` (work): index the store up to `modseq`. */
export interface SearchIndex {
  storeId: number;
  modseq: number;
}
export const searchIndexSchema: z.ZodType<SearchIndex> = z.object({ storeId: id, modseq: id });
