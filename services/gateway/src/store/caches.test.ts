import { describe, expect, it } from 'vitest';
import { BodyCache } from './body-cache.js';
import { ByteLru } from './byte-lru.js';
import { FolderCaches } from './folder-cache.js';
import { HeaderCache, headerFieldsOf, parseSearchSubjects } from './header-cache.js';

describe('BodyCache', () => {
  it('stays within its byte budget, least recently used out first', () => {
    const c = new BodyCache(1000);
    for (let i = 1; i <= 10; i++) c.set(1, i, Buffer.alloc(200));
    expect(c.size).toBeLessThanOrEqual(1000);
    expect(c.get(1, 1)).toBeUndefined();
    expect(c.get(1, 10)).toBeDefined();
    c.get(1, 7);
    c.set(1, 11, Buffer.alloc(200));
    expect(c.get(1, 7)).toBeDefined();
    expect(c.get(1, 6)).toBeUndefined();
    expect(c.get(1, 8)).toBeDefined();
  });

  it('keeps stores apart and skips messages larger than a quarter of the budget', () => {
    const c = new BodyCache(1000);
    c.set(1, 5, Buffer.from('a'));
    expect(c.get(2, 5)).toBeUndefined();
    c.set(1, 6, Buffer.alloc(251));
    expect(c.get(1, 6)).toBeUndefined();
  });
});

describe('ByteLru.replace', () => {
  it('swaps a kept value in place (its order kept, its bytes counted) and keeps nothing new', () => {
    const c = new ByteLru<string>(100);
    c.set('a', 'x', 20);
    c.set('b', 'y', 20);
    expect(c.replace('a', 'parsed', 24)).toBe(true);
    expect(c.size).toBe(44);
    expect(c.replace('zz', 'nope', 10)).toBe(false);
    expect(c.get('zz')).toBeUndefined();
    // 'a' is still the oldest: the next over the budget drops it first.
    for (const k of ['c', 'd', 'e']) c.set(k, k, 25);
    expect([c.get('a'), c.get('b'), c.size]).toEqual([undefined, 'y', 95]);
  });
});

describe('parseSearchSubjects', () => {
  it('reads what JSON.stringify wrote, the one-subject shortcut included', () => {
    const cases: string[][] = [
      ['Benchmark message 1'],
      [''],
      ['with "quotes" inside'],
      ['back\\slash', 'two'],
      ['tab\there', 'line\nbreak'],
      ['ünïcödé ✓ 😀'],
      ['a', 'b', 'c'],
      [],
      ['"]'],
      ['["'],
    ];
    for (const c of cases) expect(parseSearchSubjects(JSON.stringify(c))).toEqual(c);
    // Escapes the shortcut must leave to JSON.parse.
    expect(parseSearchSubjects('["\\u0061\\"b"]')).toEqual(['a"b']);
    for (const bad of ['', '[', '["a"', '["a",1]', '{"a":1}', 'null', '["a"]x', '["a"\u0000]'])
      expect(parseSearchSubjects(bad)).toBeUndefined();
  });
});

describe('HeaderCache', () => {
  it('decodes a header block and a whole message to the same fields', () => {
    const head =
      'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n  again\r\nFROM: A <a@x>\r\nDate: 4 Mar 2024 13:32 +0100\r\n\r\n';
    const whole = headerFieldsOf(Buffer.from(`${head}body\r\nSubject: not a header\r\n`));
    expect(headerFieldsOf(Buffer.from(head))).toEqual(whole);
    expect(whole.fields.map((f) => [f.name, f.key, f.value])).toEqual([
      ['Subject', 'subject', 'Grüße  again'],
      ['FROM', 'from', 'A <a@x>'],
      ['Date', 'date', '4 Mar 2024 13:32 +0100'],
    ]);
    expect(whole.date).toBe('4 Mar 2024 13:32 +0100');
    expect(headerFieldsOf(Buffer.from('no header at all')).date).toBeNull();
  });

  it('keeps Subject values apart: the JSON of a row parsed when first asked for, else from cached header fields', () => {
    const c = new HeaderCache();
    c.setSubjects(1, 1, '["first","=?x?= second"]');
    expect(c.subjects(1, 1)).toEqual(['first', '=?x?= second']);
    expect(c.subjects(1, 1)).toEqual(['first', '=?x?= second']);
    c.setSubjects(1, 2, '{"not":"a list"}');
    expect(c.subjects(1, 2)).toBeUndefined();
    c.setSubjects(1, 3, 'not json');
    expect(c.subjects(1, 3)).toBeUndefined();
    expect(c.subjects(1, 4)).toBeUndefined();
    c.set(1, 4, headerFieldsOf(Buffer.from('Subject: one\r\nX: y\r\nsubject: =?utf-8?q?tw=C3=B6?=\r\n\r\n')));
    expect(c.subjects(1, 4)).toEqual(['one', 'twö']);
    c.setSubjects(1, 4, 'not json');
    expect(c.subjects(1, 4)).toEqual(['one', 'twö']);
    expect(c.subjects(2, 1)).toBeUndefined();
  });

  it('stays within its budget, least recently used out first, stores apart', () => {
    const c = new HeaderCache(4000);
    const f = headerFieldsOf(Buffer.from('Subject: hello\r\n\r\n'));
    for (let i = 1; i <= 100; i++) c.set(1, i, f);
    expect(c.size).toBeLessThanOrEqual(4000);
    expect(c.get(1, 1)).toBeUndefined();
    expect(c.get(1, 100)).toBe(f);
    expect(c.get(2, 100)).toBeUndefined();
  });
});

describe('FolderCaches', () => {
  it('shares a cache while in use and keeps only the last unused ones', () => {
    const caches = new FolderCaches(2);
    const a = caches.acquire(1, 10);
    expect(caches.acquire(1, 10)).toBe(a);
    caches.release(a);
    caches.release(a);
    const b = caches.acquire(1, 11);
    const c = caches.acquire(1, 12);
    caches.release(b);
    caches.release(c);
    expect(caches.size).toBe(2);
    expect(caches.acquire(1, 10)).not.toBe(a);
    expect(caches.acquire(1, 12)).toBe(c);
  });
});

describe('AnswerCache', () => {
  it('keys by store, message and kind and stays within its byte budget', async () => {
    const { AnswerCache } = await import('../imap/answer-cache.js');
    const c = new AnswerCache(1000);
    c.set(1, 1, 'ENVELOPE', Buffer.from('(env)'));
    expect(c.get(1, 1, 'ENVELOPE')?.toString()).toBe('(env)');
    expect(c.get(1, 1, 'BODY')).toBeUndefined();
    expect(c.get(2, 1, 'ENVELOPE')).toBeUndefined();
    for (let i = 0; i < 100; i++) c.set(1, i + 10, 'BODY', Buffer.alloc(100));
    expect(c.size).toBeLessThanOrEqual(1000);
    expect(c.get(1, 1, 'ENVELOPE')).toBeUndefined();
    expect(c.get(1, 109, 'BODY')).toBeDefined();
  });
});
