/**
 * Building blocks of the configuration schema (schema.ts): leaf constructors whose error messages say
 * what was expected and what was found, and the field types not tied to one section (time zone, listen
 * host, web origin).
 */
import { isIP } from './ip-literal.js';
import { z } from 'zod';
import { RECEIVED } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Message helpers. Each schema leaf carries its own error function so messages say what is expected.

export interface IssueLike {
  readonly input?: unknown;
  readonly code?: string;
}

/** `expected <what>, got <received>` (or `missing; expected <what>` for an absent required key). */
export function expected(what: string) {
  return (iss: IssueLike): string =>
    iss.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${RECEIVED}`;
}

export const UNKNOWN_KEYS_MARK = '\u0000unknown-keys:';

/** A closed object: unknown keys are errors (reported one per key with a spelling suggestion). */
export function obj<S extends z.core.$ZodLooseShape>(shape: S, what = 'an object') {
  const known = Object.keys(shape);
  const wrong = expected(what);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? UNKNOWN_KEYS_MARK + JSON.stringify(known) : wrong(iss)),
  });
}

export function int(min: number, max: number) {
  const e = expected(`an integer from ${min} to ${max}`);
  return z.int({ error: e }).min(min, { error: e }).max(max, { error: e });
}

export function bool() {
  return z.boolean({ error: expected('true or false') });
}

export function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values, { error: expected(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`) });
}

export function pattern(re: RegExp, what: string) {
  const e = expected(what);
  return z.string({ error: e }).regex(re, { error: e });
}

export function text(min: number, max: number, what = `a text of ${min} to ${max} characters`) {
  const e = expected(what);
  return z.string({ error: e }).min(min, { error: e }).max(max, { error: e });
}

// ---------------------------------------------------------------------------------------------
// Field types

export const devicePath = pattern(/^\/\S+$/, 'an absolute device path such as "/dev/ttyUSB2"');

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string({ error: expected('an IANA time zone such as "Europe/Berlin"') })
  .refine(isTimeZone, { error: expected('an IANA time zone such as "Europe/Berlin"') });

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
export const listenHost = z
  .string({ error: expected('an IP address or host name to listen on, such as "0.0.0.0" or "::"') })
  .refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), {
    error: expected('an IP address or host name to listen on, such as "0.0.0.0" or "::"'),
  });

/** A web origin as browsers send it in the Origin header (RFC 6454 §6.2): scheme://host[:port], nothing more. */
const webOriginWhat = 'an origin such as "https://gateway.example:8443" (lower case, no path, no trailing slash)';
export const webOrigin = z.string({ error: expected(webOriginWhat) }).refine(
  (o) => {
    try {
      const u = new URL(o);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
    } catch {
      return false;
    }
  },
  { error: expected(webOriginWhat) },
);
