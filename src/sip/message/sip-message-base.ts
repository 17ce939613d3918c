import { SipHeaders } from './sip-headers.js';
import { parseContactList, parseCSeq, parseNameAddr, parseViaList, type SipCSeq, type SipNameAddr, type SipVia } from './header-values.js';

/**
 * What requests and responses share: the header list, the body as bytes, and typed readings of the
 * headers every SIP layer needs. Readings are computed from the current headers on each call (the
 * headers stay the single source of truth) and are undefined when the header is absent or malformed.
 */
export abstract class SipMessageBase {
  readonly headers: SipHeaders;
  /** The body exactly as carried (Content-Length counts these bytes). */
  body: Buffer;

  protected constructor(headers: SipHeaders, body: Buffer) {
    this.headers = headers;
    this.body = body;
  }

  /** The body decoded as UTF-8 (SIP bodies such as MESSAGE text are UTF-8 unless a charset says otherwise). */
  get bodyText(): string {
    return this.body.toString('utf8');
  }

  set bodyText(text: string) {
    this.body = Buffer.from(text, 'utf8');
  }

  /** Every Via entry, top first (comma lists and repeated fields both count, RFC 3261 §7.3.1). */
  get vias(): SipVia[] | undefined {
    const out: SipVia[] = [];
    for (const value of this.headers.getAll('via')) {
      const list = parseViaList(value);
      if (list === undefined) return undefined;
      out.push(...list);
    }
    return out;
  }

  /** The topmost Via: the one that names the sender and carries the transaction branch (RFC 3261 §17.2.3). */
  get topVia(): SipVia | undefined {
    const first = this.headers.get('via');
    return first === undefined ? undefined : parseViaList(first)?.[0];
  }

  get from(): SipNameAddr | undefined {
    const value = this.headers.get('from');
    return value === undefined ? undefined : parseNameAddr(value, 'From');
  }

  get to(): SipNameAddr | undefined {
    const value = this.headers.get('to');
    return value === undefined ? undefined : parseNameAddr(value, 'To');
  }

  get callId(): string | undefined {
    return this.headers.get('call-id');
  }

  get cseq(): SipCSeq | undefined {
    const value = this.headers.get('cseq');
    return value === undefined ? undefined : parseCSeq(value);
  }

  /** Contact entries, `'*'` for the REGISTER wildcard (RFC 3261 §10.2.2), [] when there is none. */
  get contacts(): SipNameAddr[] | '*' | undefined {
    const out: SipNameAddr[] = [];
    for (const value of this.headers.getAll('contact')) {
      const list = parseContactList(value);
      if (list === undefined) return undefined;
      if (list === '*') return '*';
      out.push(...list);
    }
    return out;
  }

  /** Max-Forwards as a number, undefined when absent or malformed. */
  get maxForwards(): number | undefined {
    const value = this.headers.get('max-forwards');
    return value !== undefined && /^\d{1,10}$/.test(value) && Number(value) <= 255 ? Number(value) : undefined;
  }
}
