/** SUBSCRIBE / UNSUBSCRIBE (RFC 3501 §6.3.6, §6.3.7): the folder's subscription flag in the store. */
import type { ImapCommandSpec, ImapContext } from '../context.js';
import { mailboxOf, storeOf } from './common.js';

async function setSubscribed(ctx: ImapContext, name: string, subscribed: boolean) {
  const entry = await mailboxOf(ctx, name);
  await storeOf(ctx).setSubscribed(entry.folder.folderId, subscribed);
  return { text: `${subscribed ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} completed.` };
}

export const subscribe: ImapCommandSpec<'SUBSCRIBE'> = {
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  handle: (ctx, command) => setSubscribed(ctx, command.mailbox, true),
};

export const unsubscribe: ImapCommandSpec<'UNSUBSCRIBE'> = {
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  handle: (ctx, command) => setSubscribed(ctx, command.mailbox, false),
};
