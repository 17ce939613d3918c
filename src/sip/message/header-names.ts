/**
 * Header field names: compact forms (RFC 3261 §7.3.3) and the canonical spelling cellgate writes.
 * Lookups compare names case-insensitively (RFC 3261 §7.3.1), so every name is reduced to one key.
 */

/** Compact form letter → long name (RFC 3261 §7.3.3 and §20; `s` and `k` from §20.36 and §20.37). */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
};

/** Spellings that simple word capitalisation gets wrong. */
const SPECIAL_SPELLINGS: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
};

/**
 * Every header lookup reduces each field's name, so the few names in use are remembered; the bound
 * keeps a sender inventing names from growing the table (it is then simply emptied).
 */
const MAX_REMEMBERED = 512;
const keys = new Map<string, string>();
const canonicalNames = new Map<string, string>();

function remember(table: Map<string, string>, name: string, value: string): string {
  if (table.size >= MAX_REMEMBERED) table.clear();
  table.set(name, value);
  return value;
}

/** The key a header name is stored and compared under: lower case, compact forms expanded. */
export function headerKey(name: string): string {
  const known = keys.get(name);
  if (known !== undefined) return known;
  const lower = name.trim().toLowerCase();
  return remember(keys, name, COMPACT_FORMS[lower] ?? lower);
}

/** The spelling cellgate writes for a header: `via` → `Via`, `i` → `Call-ID`, `x-foo-bar` → `X-Foo-Bar`. */
export function canonicalHeaderName(name: string): string {
  const known = canonicalNames.get(name);
  if (known !== undefined) return known;
  const key = headerKey(name);
  return remember(canonicalNames, name, SPECIAL_SPELLINGS[key] ?? key.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase()));
}

/** RFC 3261 §25.1 `token`: the characters a header name may contain. */
export function isToken(text: string): boolean {
  return /^[A-Za-z0-9\-.!%*_+`'~]+$/.test(text);
}
