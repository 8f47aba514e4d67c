/**
 * The client commands of the RFCs' examples (RFC 3501 §6, RFC 7162, 5258, 6154, 4731, 6851, 4315, 2971, 9208,
 * 2177, 3502, 3691, 2342, 5256, 4959, 3516, 5161), each parsed and spot-checked.
 */
import { describe, expect, it } from 'vitest';
import { ImapCommandFramer } from './command-framer.js';
import type { ImapCommand } from './command-types.js';
import { parseCommand } from './parse-command.js';

function parse(wire: string): ImapCommand {
  const framer = new ImapCommandFramer();
  framer.push(Buffer.from(wire, 'latin1'));
  for (let e = framer.next(); e !== null; e = framer.next()) {
    if (e.type === 'command') return parseCommand(e.command);
    if (e.type === 'error') throw e.error;
  }
  throw new Error('incomplete');
}

const message310 = `Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n${'x'.repeat(310 - 44)}`;

describe('RFC examples', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['3501 6.1.1', 'a001 CAPABILITY\r\n', { name: 'CAPABILITY' }],
    ['3501 6.1.2', 'a002 NOOP\r\n', { name: 'NOOP' }],
    ['3501 6.1.3', 'A023 LOGOUT\r\n', { name: 'LOGOUT' }],
    ['3501 6.2.1', 'a002 STARTTLS\r\n', { name: 'STARTTLS' }],
    ['3501 6.2.2', 'A001 AUTHENTICATE GSSAPI\r\n', { mechanism: 'GSSAPI', initialResponse: null }],
    ['3501 6.2.3', 'a001 LOGIN SMITH SESAME\r\n', { username: 'SMITH', password: 'SESAME' }],
    ['3501 6.3.1', 'A142 SELECT INBOX\r\n', { name: 'SELECT', mailbox: 'INBOX' }],
    ['3501 6.3.2', 'A932 EXAMINE blurdybloop\r\n', { name: 'EXAMINE', mailbox: 'blurdybloop' }],
    ['3501 6.3.3', 'A003 CREATE owatagusiam/\r\n', { mailbox: 'owatagusiam/' }],
    ['3501 6.3.3', 'A004 CREATE owatagusiam/blurdybloop\r\n', { mailbox: 'owatagusiam/blurdybloop' }],
    ['3501 6.3.4', 'A683 DELETE blurdybloop\r\n', { name: 'DELETE', mailbox: 'blurdybloop' }],
    ['3501 6.3.4', 'A684 DELETE foo/bar\r\n', { mailbox: 'foo/bar' }],
    ['3501 6.3.5', 'A682 LIST "" *\r\n', { name: 'LIST', reference: '', patterns: ['*'] }],
    ['3501 6.3.5', 'A683 RENAME blurdybloop sarasoop\r\n', { from: 'blurdybloop', to: 'sarasoop' }],
    ['3501 6.3.5', 'A685 LIST "" foo/%\r\n', { patterns: ['foo/%'] }],
    ['3501 6.3.6', 'A002 SUBSCRIBE #news.comp.mail.mime\r\n', { mailbox: '#news.comp.mail.mime' }],
    ['3501 6.3.7', 'A002 UNSUBSCRIBE #news.comp.mail.mime\r\n', { name: 'UNSUBSCRIBE' }],
    ['3501 6.3.8', 'A101 LIST "" ""\r\n', { reference: '', patterns: [''] }],
    ['3501 6.3.8', 'A102 LIST #news.comp.mail.misc ""\r\n', { reference: '#news.comp.mail.misc' }],
    ['3501 6.3.8', 'A103 LIST /usr/staff/jones ""\r\n', { reference: '/usr/staff/jones' }],
    ['3501 6.3.8', 'A202 LIST ~/Mail/ %\r\n', { reference: '~/Mail/', patterns: ['%'] }],
    ['3501 6.3.9', 'A002 LSUB "#news." "comp.mail.*"\r\n', { reference: '#news.', pattern: 'comp.mail.*' }],
    ['3501 6.3.10', 'A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n', { items: ['UIDNEXT', 'MESSAGES'] }],
    [
      '3501 6.3.11',
      `A003 APPEND saved-messages (\\Seen) {310}\r\n${message310}\r\n`,
      { name: 'APPEND', mailbox: 'saved-messages' },
    ],
    ['3501 6.4.1', 'FXXZ CHECK\r\n', { name: 'CHECK' }],
    ['3501 6.4.2', 'A341 CLOSE\r\n', { name: 'CLOSE' }],
    ['3501 6.4.3', 'A202 EXPUNGE\r\n', { name: 'EXPUNGE', uid: false }],
    ['3501 6.4.4', 'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n', { name: 'SEARCH', charset: null }],
    [
      '3501 6.4.4',
      'A283 SEARCH TEXT "string not in mailbox"\r\n',
      { criteria: { key: 'TEXT', value: 'string not in mailbox' } },
    ],
    [
      '3501 6.4.4',
      'A284 SEARCH CHARSET UTF-8 TEXT {6}\r\n\xe4\xb8\xad\xe6\x96\x87\r\n',
      { charset: 'UTF-8', criteria: { key: 'TEXT', value: '中文' } },
    ],
    ['3501 6.4.5', 'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n', { name: 'FETCH', macro: null }],
    ['3501 6.4.6', 'A003 STORE 2:4 +FLAGS (\\Deleted)\r\n', { operation: 'add', flags: ['\\Deleted'] }],
    ['3501 6.4.7', 'A003 COPY 2:4 MEETING\r\n', { name: 'COPY', mailbox: 'MEETING' }],
    ['3501 6.4.8', 'A999 UID FETCH 4827313:4828442 FLAGS\r\n', { name: 'FETCH', uid: true }],
    [
      '7162 3.1.3',
      'a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121231000) +FLAGS.SILENT (\\Deleted)\r\n',
      { unchangedSince: 12121231000, silent: true, uid: true },
    ],
    ['7162 3.1.4', 's100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n', { changedSince: 12345 }],
    ['7162 3.1.5', 'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n', { name: 'SEARCH' }],
    [
      '7162 3.1.6',
      'C01 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n',
      { items: ['UIDNEXT', 'MESSAGES', 'HIGHESTMODSEQ'] },
    ],
    ['7162 3.1.8', 'a SELECT INBOX (CONDSTORE)\r\n', { condstore: true }],
    [
      '7162 3.2.5',
      'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n',
      { qresync: { uidValidity: 67890007 } },
    ],
    ['7162 3.2.6', 'A03 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n', { vanished: true }],
    ['7162 3.2.3', 'A01 ENABLE QRESYNC\r\n', { capabilities: ['QRESYNC'] }],
    ['5258 5', 'A02 LIST (SUBSCRIBED) "" "*"\r\n', { selection: { subscribed: true } }],
    ['5258 5', 'A03 LIST () "" "%" RETURN (CHILDREN)\r\n', { returnOptions: { children: true } }],
    ['5258 5', 'A04 LIST (REMOTE) "" "%" RETURN (CHILDREN)\r\n', { selection: { remote: true } }],
    ['5258 5', 'A05 LIST (REMOTE SUBSCRIBED) "" "*"\r\n', { selection: { remote: true, subscribed: true } }],
    [
      '5258 5',
      'C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)\r\n',
      { selection: { recursiveMatch: true } },
    ],
    ['5258 5', 'BBB LIST "" ("INBOX" "Drafts" "Sent/%")\r\n', { patterns: ['INBOX', 'Drafts', 'Sent/%'] }],
    [
      '5819',
      'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n',
      { returnOptions: { status: ['MESSAGES', 'UNSEEN'] } },
    ],
    ['6154 5.1', 't1 LIST "" "%" RETURN (SPECIAL-USE)\r\n', { returnOptions: { specialUse: true } }],
    ['6154 5.2', 't1 LIST (SPECIAL-USE) "" "*"\r\n', { selection: { specialUse: true } }],
    ['6154 5.3', 't1 CREATE "Important Messages" (USE (\\Important))\r\n', { specialUse: ['\\Important'] }],
    [
      '4731',
      'A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
      { returnOptions: ['MIN', 'COUNT'] },
    ],
    ['4731', 'A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n', { returnOptions: [] }],
    ['6851', 'a UID MOVE 42:69 foo\r\n', { name: 'MOVE', uid: true, mailbox: 'foo' }],
    ['4315', 'A003 UID EXPUNGE 3000:3002\r\n', { name: 'EXPUNGE', uid: true }],
    [
      '2971',
      'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")\r\n',
      {
        parameters: [
          { field: 'name', value: 'sodr' },
          { field: 'version', value: '19.34' },
          { field: 'vendor', value: 'Pink Floyd Music Limited' },
        ],
      },
    ],
    ['9208', 'G GETQUOTAROOT INBOX\r\n', { mailbox: 'INBOX' }],
    ['9208', 'Q GETQUOTA ""\r\n', { root: '' }],
    ['9208', 'S SETQUOTA "" (STORAGE 512)\r\n', { limits: [{ resource: 'STORAGE', limit: 512 }] }],
    ['2177', 'A001 IDLE\r\n', { name: 'IDLE' }],
    [
      '3502',
      'A003 APPEND saved-messages (\\Seen) {5}\r\nHello (\\Seen) " 1-Aug-2002 22:00:00 -0700" {5}\r\nWorld\r\n',
      { mailbox: 'saved-messages' },
    ],
    ['3691', 'A342 UNSELECT\r\n', { name: 'UNSELECT' }],
    ['2342', 'A001 NAMESPACE\r\n', { name: 'NAMESPACE' }],
    [
      '5256',
      'A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n',
      {
        sortCriteria: [
          { key: 'SUBJECT', reverse: false },
          { key: 'DATE', reverse: true },
        ],
      },
    ],
    ['5256', 'A284 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"\r\n', { charset: 'US-ASCII' }],
    ['5256', 'A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n', { algorithm: 'ORDEREDSUBJECT' }],
    ['5256', 'A284 THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"\r\n', { charset: 'US-ASCII' }],
    ['4959', 'a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n', { initialResponse: Buffer.from('test\0test\0test') }],
    ['3516', 't FETCH 1 (BINARY[1.1] BINARY.SIZE[1])\r\n', { name: 'FETCH' }],
    ['3516', 'A003 APPEND Drafts (\\Seen \\Draft $MDNSent) ~{5}\r\n\0\x01\x02\x03\x04\r\n', { mailbox: 'Drafts' }],
    ['5161', 'a ENABLE CONDSTORE X-GOOD-IDEA\r\n', { capabilities: ['CONDSTORE', 'X-GOOD-IDEA'] }],
  ])('RFC %s: %j', (_rfc, wire, expected) => {
    expect(parse(wire)).toMatchObject(expected);
  });

  it('RFC 3502 MULTIAPPEND gives both messages with their own flags and dates', () => {
    const cmd = parse(
      'A003 APPEND saved-messages (\\Seen) {5}\r\nHello (\\Seen) " 1-Aug-2002 22:00:00 -0700" {5}\r\nWorld\r\n',
    );
    if (cmd.name !== 'APPEND') throw new Error('not APPEND');
    expect(cmd.messages.map((m) => [m.flags, m.internalDate?.date.toISOString() ?? null, m.data.toString()])).toEqual([
      [['\\Seen'], null, 'Hello'],
      [['\\Seen'], '2002-08-02T05:00:00.000Z', 'World'],
    ]);
  });
});
