import { SipHeaders } from './sip-headers.js';
import { parseContactList, parseCSeq, parseNameAddr, parseViaList, type SipCSeq, type SipNameAddr, type SipVia } from './header-values.js';

/**
 * What requests and responses share: the header list, the body as bytes, and typed readings of the
 * headers every SIP layer needs. Readings follow the current headers (they stay the single source of
 * truth) and are undefined when the header is absent or malformed. Each reading remembers the text it
 * was made from and is parsed again only when that text changed: the transport, the transaction
 * layer and the handlers all read the same top Via, To and CSeq of every message. Readings are
 * readonly values, so sharing them is safe.
 */
/** One remembered reading: the header text it came from and its value. */
interface Reading<T> {
  readonly text: string;
  readonly value: T | undefined;
}

function remembered<T>(last: Reading<T> | undefined, text: string, parse: (text: string) => T | undefined): Reading<T> {
  return last !== undefined && last.text === text ? last : { text, value: parse(text) };
}

export abstract class SipMessageBase {
  readonly headers: SipHeaders;
  #topViaReading: Reading<SipVia> | undefined;
  #fromReading: Reading<SipNameAddr> | undefined;
  #toReading: Reading<SipNameAddr> | undefined;
  #cseqReading: Reading<SipCSeq> | undefined;
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
    if (first === undefined) return undefined;
    this.#topViaReading = remembered(this.#topViaReading, first, (text) => parseViaList(text)?.[0]);
    return this.#topViaReading.value;
  }

  get from(): SipNameAddr | undefined {
    const value = this.headers.get('from');
    if (value === undefined) return undefined;
    this.#fromReading = remembered(this.#fromReading, value, (text) => parseNameAddr(text, 'From'));
    return this.#fromReading.value;
  }

  get to(): SipNameAddr | undefined {
    const value = this.headers.get('to');
    if (value === undefined) return undefined;
    this.#toReading = remembered(this.#toReading, value, (text) => parseNameAddr(text, 'To'));
    return this.#toReading.value;
  }

  get callId(): string | undefined {
    return this.headers.get('call-id');
  }

  get cseq(): SipCSeq | undefined {
    const value = this.headers.get('cseq');
    if (value === undefined) return undefined;
    this.#cseqReading = remembered(this.#cseqReading, value, parseCSeq);
    return this.#cseqReading.value;
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
