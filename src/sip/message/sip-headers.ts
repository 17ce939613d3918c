import { canonicalHeaderName, headerKey } from './header-names.js';

/** One header field line as it appears (or will appear) in a message. */
export interface SipHeaderField {
  /** The name as written on the wire (a compact form stays compact when parsed). */
  readonly name: string;
  /** The value with surrounding whitespace removed and folded lines joined (RFC 3261 §7.3.1). */
  readonly value: string;
}

/**
 * The header fields of a SIP message in their order. Order matters for Via, Route and Record-Route
 * (RFC 3261 §7.3.1), so fields are kept as a list; lookups are case-insensitive and treat compact
 * forms as their long names (RFC 3261 §7.3.3).
 */
export class SipHeaders {
  private readonly fields: SipHeaderField[];

  constructor(fields: Iterable<SipHeaderField> = []) {
    this.fields = [...fields].map((f) => ({ name: f.name, value: f.value }));
  }

  /** Every field in order. */
  all(): readonly SipHeaderField[] {
    return this.fields;
  }

  get size(): number {
    return this.fields.length;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((f) => headerKey(f.name) === key);
  }

  /** The first value of the header, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.fields.find((f) => headerKey(f.name) === key)?.value;
  }

  /** Every value of the header, in order (each field line is one entry; comma lists are not split). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.fields.filter((f) => headerKey(f.name) === key).map((f) => f.value);
  }

  /** Adds a field after the existing ones. */
  append(name: string, value: string): this {
    this.fields.push({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Adds a field before all others (a proxy's or UAC's own Via goes on top, RFC 3261 §8.1.1.7). */
  prepend(name: string, value: string): this {
    this.fields.unshift({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Replaces every field of this name by one, at the position of the first (or at the end). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.fields.findIndex((f) => headerKey(f.name) === key);
    this.remove(name);
    const field = { name: canonicalHeaderName(name), value };
    if (at < 0) this.fields.push(field);
    else this.fields.splice(at, 0, field);
    return this;
  }

  /** Removes every field of this name; returns how many went. */
  remove(name: string): number {
    const key = headerKey(name);
    const before = this.fields.length;
    for (let i = this.fields.length - 1; i >= 0; i--) if (headerKey(this.fields[i]!.name) === key) this.fields.splice(i, 1);
    return before - this.fields.length;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.fields);
  }
}
