/** Log text of framed commands: secrets hidden, literals summarised, length capped. */
import { describe, expect, it } from 'vitest';
import { commandLogText } from './log-text.js';

const cmd = (lines: string[], literals: string[] = []) => ({
  lines: lines.map((l) => Buffer.from(l, 'latin1')),
  literals: literals.map((l) => Buffer.from(l, 'latin1')),
});

describe('commandLogText', () => {
  it.each<[ReturnType<typeof cmd>, string]>([
    [cmd(['a1 SELECT INBOX']), 'a1 SELECT INBOX'],
    [cmd(['a1 login fred secret']), 'a1 LOGIN ***'],
    [cmd(['a1 LOGIN {4}', ' {6}', ''], ['fred', 'secret']), 'a1 LOGIN ***'],
    [cmd(['a1 AUTHENTICATE PLAIN AHVzZXIAcGFzcw==']), 'a1 AUTHENTICATE ***'],
    [cmd(['a2 APPEND INBOX (\\Seen) {5+}', ''], ['hello']), 'a2 APPEND INBOX (\\Seen) {5 octets}'],
    [cmd(['a2 APPEND INBOX ~{3}', ''], ['\0\0\0']), 'a2 APPEND INBOX {3 octets}'],
    [cmd(['a3 SEARCH TEXT "\xff\0"']), 'a3 SEARCH TEXT ".."'],
  ])('%j', (command, text) => {
    expect(commandLogText(command)).toBe(text);
  });

  it('caps the length', () => {
    expect(commandLogText(cmd([`a1 SEARCH ${'x'.repeat(500)}`]), 50)).toBe(`a1 SEARCH ${'x'.repeat(40)}...`);
  });
});
