/**
 * How an extension of the embedded registrar is defined (the SIP-hotspot model: one account upstream,
 * local extensions that register here and ring together). A later step maps the daemon configuration
 * onto this shape; until then it is the registrar's own input.
 */
import type { StoredDigestSecret } from '../auth/index.js';

export interface ExtensionDefinition {
  /** The assigned extension, e.g. `001`. */
  readonly number: string;
  /** Dialled before the number: prefix `8` and number `001` make the extension `8001` (the user part phones register with). */
  readonly prefix?: string;
  /** Extensions of one group ring together (forking); default `default`. */
  readonly group?: string;
  /** The digest secret: the password, or HA1 per algorithm over `<prefix><number>:<realm>:<password>` (RFC 7616 §3.4.2). */
  readonly secret: StoredDigestSecret;
  /** Bindings kept for this extension; a new contact beyond this replaces the least recently refreshed one. Default 5. */
  readonly maxContacts?: number;
}

/** An extension after checking: the full user part and the defaults filled in. */
export interface Extension {
  /** `prefix + number`: the To user and digest username the phone registers with. */
  readonly user: string;
  readonly group: string;
  readonly secret: StoredDigestSecret;
  readonly maxContacts: number;
}

export const DEFAULT_EXTENSION_GROUP = 'default';
export const DEFAULT_MAX_CONTACTS = 5;
/** A phone has a handful of contacts; more is a mistake in the configuration. */
const MAX_CONTACTS_LIMIT = 100;
/** RFC 3261 §25.1 `unreserved` characters: usable unescaped as a URI user part and as a digest username. */
const USER_PART = /^[A-Za-z0-9\-_.!~*'()]{1,64}$/;
const PREFIX = /^[0-9*#]{0,8}$/;
const GROUP = /^[A-Za-z0-9_.-]{1,64}$/;
const HEX = /^[0-9a-fA-F]+$/;

export type ExtensionCheck = { ok: true; extensions: Extension[] } | { ok: false; problems: string[] };

/** Checks a list of definitions; every problem is reported, nothing throws. */
export function checkExtensions(definitions: readonly ExtensionDefinition[]): ExtensionCheck {
  const problems: string[] = [];
  const extensions: Extension[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(definitions)) return { ok: false, problems: ['extensions must be a list'] };
  definitions.forEach((definition, index) => {
    const where = `extension ${index + 1}`;
    if (typeof definition !== 'object' || definition === null) return void problems.push(`${where}: not an object`);
    const prefix = definition.prefix ?? '';
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) problems.push(`${where}: prefix must be up to 8 of 0-9 * #`);
    const user = `${prefix}${definition.number}`;
    if (typeof definition.number !== 'string' || !USER_PART.test(user)) problems.push(`${where}: number must be 1-64 URI-safe characters`);
    else if (seen.has(user)) problems.push(`${where}: extension ${user} is defined twice`);
    seen.add(user);
    const group = definition.group ?? DEFAULT_EXTENSION_GROUP;
    if (typeof group !== 'string' || !GROUP.test(group)) problems.push(`${where}: group must be 1-64 of A-Z a-z 0-9 _ . -`);
    const maxContacts = definition.maxContacts ?? DEFAULT_MAX_CONTACTS;
    if (!Number.isInteger(maxContacts) || maxContacts < 1 || maxContacts > MAX_CONTACTS_LIMIT) problems.push(`${where}: maxContacts must be 1-${MAX_CONTACTS_LIMIT}`);
    const secretProblem = checkSecret(definition.secret);
    if (secretProblem) problems.push(`${where}: ${secretProblem}`);
    extensions.push({ user, group, secret: definition.secret, maxContacts });
  });
  return problems.length === 0 ? { ok: true, extensions } : { ok: false, problems };
}

function checkSecret(secret: StoredDigestSecret | undefined): string | undefined {
  if (typeof secret !== 'object' || secret === null) return 'secret must be { password } or { ha1 }';
  if ('password' in secret) return typeof secret.password === 'string' && secret.password !== '' ? undefined : 'password must be a non-empty string';
  if (!('ha1' in secret) || typeof secret.ha1 !== 'object' || secret.ha1 === null) return 'secret must be { password } or { ha1 }';
  const lengths: Record<string, number> = { MD5: 32, 'SHA-256': 64, 'SHA-512-256': 64 };
  const entries = Object.entries(secret.ha1);
  if (entries.length === 0) return 'ha1 needs at least one algorithm';
  for (const [algorithm, value] of entries) {
    if (!(algorithm in lengths)) return `ha1 algorithm ${algorithm} is not MD5, SHA-256 or SHA-512-256`;
    if (typeof value !== 'string' || !HEX.test(value) || value.length !== lengths[algorithm]) return `ha1 for ${algorithm} must be ${lengths[algorithm]} hex digits`;
  }
  return undefined;
}
