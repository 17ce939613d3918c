/**
 * Field-level configuration errors. A `FieldError` names the offending field with a dotted/bracketed
 * path (`lines[2].port`) and says what was expected; `formatFieldError` prints it as `path: message`.
 *
 * The value a field received is rendered here only (`describeReceived`), and never for a secret field
 * (secret-fields.ts): schema messages carry the `RECEIVED` placeholder, filled in once the field's
 * full path is known.
 */
import { isSecretPath } from './secret-fields.js';

export interface FieldError {
  /** Path of the field, e.g. `lines[2].port`; `(root)` for the document itself. */
  path: string;
  message: string;
}

/** Turns a path of keys and indices into `http.port` / `lines[2].simSwitch.port`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** A validator's answer: the value (defaults filled in) or every field error. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function formatFieldError(e: FieldError): string {
  // A placeholder nobody filled in is shown as nothing in particular, never as a value.
  return `${e.path}: ${e.message.split(RECEIVED).join('a value')}`;
}

/** One `path: message` line per error, in order. */
export function formatFieldErrors(errors: ReadonlyArray<FieldError>): string[] {
  return errors.map(formatFieldError);
}

/** A configuration document (or a proposed change to one) failed validation. */
export class ConfigError extends Error {
  readonly errors: FieldError[];
  readonly file: string | undefined;

  constructor(errors: FieldError[], opts: { file?: string; summary?: string } = {}) {
    const head = opts.summary ?? (opts.file ? `${opts.file} is invalid` : 'invalid configuration');
    super([`${head}:`, ...formatFieldErrors(errors).map((l) => `  ${l}`)].join('\n'));
    this.name = 'ConfigError';
    this.errors = errors;
    this.file = opts.file;
  }
}

/** Stands for the received value in a schema message; see `fillReceived`. */
export const RECEIVED = '\u0000received\u0000';

/** The value a field received, as its error message shows it: described by kind only for secret fields. */
export function describeReceived(path: ReadonlyArray<PropertyKey>, v: unknown): string {
  return isSecretPath(path) ? describeSecret(v) : describeValue(v);
}

/** `message` with each `RECEIVED` replaced by `describeReceived(path, input)`. */
export function fillReceived(message: string, path: ReadonlyArray<PropertyKey>, input: unknown): string {
  return message.includes(RECEIVED) ? message.split(RECEIVED).join(describeReceived(path, input)) : message;
}

/**
 * Renders a received value for an error message: strings quoted (and shortened), numbers and
 * booleans as they are, short lists of such values as JSON, other containers by kind.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const s = v.length > 40 ? `${v.slice(0, 37)}...` : v;
    return JSON.stringify(s);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    const counted = `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
    // Only lists of plain values are shown: an object in a list could hold anything.
    if (!v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) return counted;
    let json: string | undefined;
    try {
      json = JSON.stringify(v);
    } catch {
      json = undefined;
    }
    return json !== undefined && json.length <= 40 ? json.replace(/,/g, ', ') : counted;
  }
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** Like `describeValue` but never shows the value itself, only its kind (and a string's length): for secrets. */
export function describeSecret(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `a string of ${v.length} character${v.length === 1 ? '' : 's'}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
