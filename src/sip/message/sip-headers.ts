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
 * forms as their long names (RFC 3261 §7.3.3). Each field's lookup key is worked out once, when the
 * field is added: every layer reads the same few headers of every message many times.
 */
export class SipHeaders {
  private readonly fields: SipHeaderField[];
  /** headerKey of each field, same index. */
  private readonly keys: string[];

  constructor(fields: Iterable<SipHeaderField> = []) {
    this.fields = [];
    this.keys = [];
    for (const f of fields) {
      this.fields.push({ name: f.name, value: f.value });
      this.keys.push(headerKey(f.name));
    }
  }

  /** Every field in order. */
  all(): readonly SipHeaderField[] {
    return this.fields;
  }

  get size(): number {
    return this.fields.length;
  }

  has(name: string): boolean {
    return this.keys.includes(headerKey(name));
  }

  /** The first value of the header, or undefined. */
  get(name: string): string | undefined {
    const at = this.keys.indexOf(headerKey(name));
    return at < 0 ? undefined : this.fields[at]!.value;
  }

  /** Every value of the header, in order (each field line is one entry; comma lists are not split). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.fields[i]!.value);
    return out;
  }

  /** How many fields carry this name. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /** Adds a field after the existing ones. */
  append(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    this.fields.push({ name: canonical, value });
    this.keys.push(headerKey(canonical));
    return this;
  }

  /** Adds a field before all others (a proxy's or UAC's own Via goes on top, RFC 3261 §8.1.1.7). */
  prepend(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    this.fields.unshift({ name: canonical, value });
    this.keys.unshift(headerKey(canonical));
    return this;
  }

  /** Replaces every field of this name by one, at the position of the first (or at the end). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.keys.indexOf(key);
    this.remove(name);
    const canonical = canonicalHeaderName(name);
    if (at < 0) {
      this.fields.push({ name: canonical, value });
      this.keys.push(key);
    } else {
      this.fields.splice(at, 0, { name: canonical, value });
      this.keys.splice(at, 0, key);
    }
    return this;
  }

  /**
   * Gives the first field of this name a new value, keeping its name as written and its position
   * (a received request's top Via learning `received`, RFC 3261 §18.2.1); false when there is none.
   */
  replaceFirstValue(name: string, value: string): boolean {
    const at = this.keys.indexOf(headerKey(name));
    if (at < 0) return false;
    this.fields[at] = { name: this.fields[at]!.name, value };
    return true;
  }

  /** Removes every field of this name; returns how many went. */
  remove(name: string): number {
    const key = headerKey(name);
    const before = this.fields.length;
    for (let i = this.fields.length - 1; i >= 0; i--) {
      if (this.keys[i] !== key) continue;
      this.fields.splice(i, 1);
      this.keys.splice(i, 1);
    }
    return before - this.fields.length;
  }

  /**
   * Headers made from field objects the caller just built and will not change (the parser's): the
   * objects are taken as they are instead of copied one by one (the array itself is not kept).
   */
  static adopt(fields: readonly SipHeaderField[]): SipHeaders {
    const headers = new SipHeaders();
    for (const f of fields) {
      headers.fields.push(f);
      headers.keys.push(headerKey(f.name));
    }
    return headers;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.fields);
  }
}
