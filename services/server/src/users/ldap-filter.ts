/**
 * Building LDAP filters from untrusted values (RFC 4515) and DN attribute values (RFC 4514).
 * Attribute names are never escaped: they come from the checked config (see ldap-config.ts).
 */

/**
 * RFC 4515 §3 assertion-value escaping: `*`, `(`, `)`, `\` and NUL become `\XX`.
 * Other characters, including non-ASCII, stay as they are: the filter string is sent as UTF-8,
 * and ldapts decodes each `\XX` as a single character, so escaping UTF-8 bytes would corrupt them.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '*':
        out += '\\2a';
        break;
      case '(':
        out += '\\28';
        break;
      case ')':
        out += '\\29';
        break;
      case '\\':
        out += '\\5c';
        break;
      case '\0':
        out += '\\00';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** `(attr=value)` with the value escaped. */
export function equals(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** AND of the non-empty parts; a single part is returned as is. */
export function and(...parts: string[]): string {
  const present = parts.filter((part) => part !== '');
  if (present.length === 1) return present[0] ?? '';
  return `(&${present.join('')})`;
}

/** OR of the non-empty parts; a single part is returned as is. */
export function or(...parts: string[]): string {
  const present = parts.filter((part) => part !== '');
  if (present.length === 1) return present[0] ?? '';
  return `(|${present.join('')})`;
}

/**
 * RFC 4514 §2.4 escaping of one attribute value inside a DN: `, + " \ < > ; =` and NUL anywhere,
 * a leading space or `#`, and a trailing space.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((ch, index) => {
    if (ch === '\0') {
      out += '\\00';
    } else if (',+"\\<>;='.includes(ch)) {
      out += `\\${ch}`;
    } else if ((index === 0 && (ch === ' ' || ch === '#')) || (index === chars.length - 1 && ch === ' ')) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  });
  return out;
}
