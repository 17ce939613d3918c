/**
 * The configuration fields that hold secrets, in one list. Error messages never show their values
 * (`describeReceived` in errors.ts) and `redactSecrets` blanks them before a configuration is logged.
 * A field added to the schema that holds a password, key, token, PIN or PUK belongs here.
 *
 * Patterns are paths as errors print them: `[]` stands for any list index, `*` for any key. A pattern
 * also covers everything under it (`lines[].pins` covers `lines[0].pins.A`).
 */

export const SECRET_FIELDS: readonly string[] = [
  // SIM PINs per slot (entered with AT+CPIN, 3GPP TS 27.007 §8.3).
  'lines[].pins',
  // SMTP login of e-mail forwarding.
  'mail.password',
  // SMPP bind password (SMPP 3.4 §5.2.2).
  'smpp.accounts[].password',
  // Key that signs webhook forwards (docs/forwarding.md).
  'sms.forward[].webhook.secret',
  // Key that signs and encrypts own-number discovery texts.
  'ownNumber.discovery.secret',
  // SIP digest passwords (RFC 3261 §22): accounts at a PBX, callers of the gateway, registrar extensions.
  'sip.registration.account.password',
  'sip.registration.lines[].password',
  'sip.registration.groups[].account.password',
  'sip.trunk.peers[].register.password',
  'sip.inbound.users[].password',
  'sip.registrar.extensions[].password',
  // Key that signs CDR pushes.
  'sip.cdr.secret',
];

/** What a secret value is replaced with in logged configurations. */
export const REDACTED = '[redacted]';

type Segment = { kind: 'key'; name: string } | { kind: 'anyKey' } | { kind: 'anyIndex' };

function parsePattern(p: string): Segment[] {
  const out: Segment[] = [];
  for (const part of p.split('.')) {
    const m = /^([^[\]]+)((?:\[\])*)$/.exec(part);
    if (!m) throw new Error(`secret field pattern ${JSON.stringify(p)}: cannot parse ${JSON.stringify(part)}`);
    out.push(m[1] === '*' ? { kind: 'anyKey' } : { kind: 'key', name: m[1]! });
    for (let i = 0; i < m[2]!.length / 2; i++) out.push({ kind: 'anyIndex' });
  }
  return out;
}

const PATTERNS: readonly Segment[][] = SECRET_FIELDS.map(parsePattern);

function segmentMatches(s: Segment, key: PropertyKey): boolean {
  if (s.kind === 'anyIndex') return typeof key === 'number';
  if (s.kind === 'anyKey') return typeof key === 'string';
  return key === s.name;
}

/** True when `path` (keys and list indices) is a secret field or lies inside one. */
export function isSecretPath(path: ReadonlyArray<PropertyKey>): boolean {
  return PATTERNS.some((p) => p.length <= path.length && p.every((s, i) => segmentMatches(s, path[i]!)));
}

/**
 * A copy of a configuration document with every secret value that is set replaced by `[redacted]`
 * (unset ones, null or absent, stay as they are, so a log still tells whether one is configured).
 */
export function redactSecrets<T>(doc: T): T {
  return redactAt(doc, []) as T;
}

function redactAt(v: unknown, path: PropertyKey[]): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map((x, i) => redactAt(x, [...path, i]));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactAt(x, [...path, k])]));
  return isSecretPath(path) ? REDACTED : v;
}
