/**
 * The one way into TRANSACTION (USER/PASS and AUTH PLAIN): log on as the user (who must have the
 * pop3 feature), snapshot the Inbox into the maildrop, or count a failure — delayed, and the
 * connection closed after Limits.maxAuthFailures.
 */
import { err, ok } from '@kgc/pop3-proto';
import { StoreError } from '../store/types.js';
import type { Pop3Context } from './context.js';
import { pop3ErrorOf } from './errors.js';
import type { Maildrop } from './state.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function login(ctx: Pop3Context, username: string, password: string): Promise<void> {
  if (ctx.state.kind !== 'authorization') return;
  const failures = ctx.state.failures;
  let drop: Maildrop;
  let store: Awaited<ReturnType<typeof ctx.provider.logon>>;
  try {
    store = await ctx.provider.logon(username, password, 'pop3');
  } catch (e) {
    const error = pop3ErrorOf(e);
    if (e instanceof StoreError && (e.kind === 'auth' || e.kind === 'feature')) {
      const n = failures + 1;
      ctx.state = { kind: 'authorization', failures: n };
      ctx.log.info({ user: username, reason: e.kind, failures: n }, 'POP3 login failed');
      await sleep(ctx.limits.authFailureDelayMs * n);
      if (n >= ctx.limits.maxAuthFailures) {
        await ctx.close(err(`${error.message} Too many failures, bye.`, error.code));
        return;
      }
    } else {
      ctx.state = { kind: 'authorization', failures };
      ctx.log.warn({ user: username, err: e instanceof Error ? e.message : String(e) }, 'POP3 login: server error');
    }
    await ctx.send(err(error.message, error.code));
    return;
  }
  try {
    drop = await maildropOf(store);
  } catch (e) {
    await store.close();
    ctx.state = { kind: 'authorization', failures };
    const error = pop3ErrorOf(e);
    await ctx.send(err(error.message, error.code));
    return;
  }
  ctx.state = { kind: 'transaction', store, drop };
  ctx.log.info({ user: store.username, messages: drop.messages.length }, 'POP3 login');
  await ctx.send(ok('Logged in.'));
}

/** The Inbox at this moment (one getChanges when its metadata is cached, one table query otherwise). */
async function maildropOf(store: Awaited<ReturnType<Pop3Context['provider']['logon']>>): Promise<Maildrop> {
  const inbox = (await store.folders()).find((f) => f.specialUse === 'inbox');
  if (!inbox) throw new StoreError('not-found', 'no Inbox');
  const handle = await store.openFolder(inbox.folderId);
  try {
    const v = handle.uidValidity;
    return {
      messages: handle.messages().map((m) => ({
        messageId: m.messageId,
        uid: m.uid,
        size: m.size,
        uidl: `${v}.${m.uid}`,
      })),
      deleted: new Set(),
      prefetchedTo: 0,
      prefetchBlock: 0,
    };
  } finally {
    handle.release();
  }
}
