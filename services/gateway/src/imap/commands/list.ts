/**
 * LIST and LSUB (RFC 3501 §6.3.8, §6.3.9) with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154)
 * attributes, and LIST-EXTENDED (RFC 5258): several patterns, selection options SUBSCRIBED,
 * RECURSIVEMATCH (CHILDINFO), SPECIAL-USE and REMOTE (no remote mailboxes), return options
 * SUBSCRIBED, CHILDREN, SPECIAL-USE and STATUS (LIST-STATUS, RFC 5819) — the counts come with the
 * folder list, so STATUS costs no call per mailbox.
 */
import type { ListCommand } from '@kgc/imap-proto';
import type { ImapCommandSpec } from '../context.js';
import { DELIMITER, type MailboxEntry, type MailboxTree, specialUseOf } from '../names.js';
import { quotedMailbox } from '../wire.js';
import { statusLine, storeOf } from './common.js';

function listLine(kind: 'LIST' | 'LSUB', e: MailboxEntry, extra: string[] = [], tail = ''): Buffer {
  const attrs = [e.hasChildren ? '\\HasChildren' : '\\HasNoChildren', ...extra];
  const su = specialUseOf(e.folder);
  if (su && kind === 'LIST') attrs.push(su);
  return Buffer.concat([
    Buffer.from(`* ${kind} (${attrs.join(' ')}) "${DELIMITER}" `, 'latin1'),
    quotedMailbox(e.name),
    Buffer.from(`${tail}\r\n`, 'latin1'),
  ]);
}

function isBelow(child: MailboxEntry, parent: MailboxEntry): boolean {
  return child.name.startsWith(`${parent.name}${DELIMITER}`);
}

function extendedList(tree: MailboxTree, command: ListCommand): Buffer[] {
  const sel = command.selection;
  const ret = command.returnOptions;
  const matched = new Map<string, MailboxEntry>();
  for (const p of command.patterns) for (const e of tree.match(command.reference, p)) matched.set(e.name, e);
  const out: Buffer[] = [];
  for (const e of [...matched.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const subscribed = e.folder.subscribed;
    let childInfo = false;
    if (sel.subscribed && !subscribed) {
      // RECURSIVEMATCH: a parent that is not subscribed itself but has a subscribed descendant.
      if (!sel.recursiveMatch || !tree.entries.some((c) => c.folder.subscribed && isBelow(c, e))) continue;
      childInfo = true;
    }
    if (sel.specialUse && !specialUseOf(e.folder)) continue;
    const extra: string[] = [];
    if ((sel.subscribed || ret.subscribed) && subscribed) extra.push('\\Subscribed');
    const tail = childInfo ? ' ("CHILDINFO" ("SUBSCRIBED"))' : '';
    out.push(listLine('LIST', e, extra, tail));
    if (ret.status && ret.status.length > 0) out.push(statusLine(e.name, e.folder, ret.status));
  }
  return out;
}

export const list: ImapCommandSpec<'LIST'> = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.returnOptions.status?.includes('HIGHESTMODSEQ')) await ctx.enableCondstore();
    if (!command.extended && (command.patterns[0] ?? '') === '') {
      // The delimiter and root of the reference (RFC 3501 §6.3.8).
      await ctx.untagged(`LIST (\\Noselect) "${DELIMITER}" ""`);
      return { text: 'LIST completed.' };
    }
    const tree = await ctx.tree(storeOf(ctx));
    const out = command.extended
      ? extendedList(tree, command)
      : tree.match(command.reference, command.patterns[0] ?? '').map((e) => listLine('LIST', e));
    if (out.length > 0) await ctx.send(Buffer.concat(out));
    return { text: 'LIST completed.' };
  },
};

export const lsub: ImapCommandSpec<'LSUB'> = {
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  async handle(ctx, command) {
    if (command.pattern === '') return { text: 'LSUB completed.' };
    const tree = await ctx.tree(storeOf(ctx));
    // RFC 3501 §6.3.9: with `%`, a parent that is not subscribed but has a subscribed descendant
    // is answered (flagged \Noselect) in place of the descendants the `%` does not reach.
    const wildcardLevel = command.pattern.includes('%');
    const out = tree.match(command.reference, command.pattern).flatMap((e) => {
      if (e.folder.subscribed) return [listLine('LSUB', e)];
      if (wildcardLevel && tree.entries.some((d) => d.folder.subscribed && isBelow(d, e)))
        return [listLine('LSUB', e, ['\\Noselect'])];
      return [];
    });
    if (out.length > 0) await ctx.send(Buffer.concat(out));
    return { text: 'LSUB completed.' };
  },
};
