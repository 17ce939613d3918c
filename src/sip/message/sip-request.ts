import { SipHeaders } from './sip-headers.js';
import { SipMessageBase } from './sip-message-base.js';
import { parseSipUri, type SipUri } from './header-values.js';

/** A SIP request: `METHOD Request-URI SIP/2.0` (RFC 3261 §7.1). */
export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  method: string;
  /** The Request-URI text as written. */
  uri: string;

  constructor(method: string, uri: string, headers: SipHeaders = new SipHeaders(), body: Buffer = Buffer.alloc(0)) {
    super(headers, body);
    this.method = method;
    this.uri = uri;
  }

  #sipUriReading: { readonly text: string; readonly value: SipUri | undefined } | undefined;

  /** The Request-URI split into parts when it is a SIP or SIPS URI (parsed again only when `uri` changed). */
  get sipUri(): SipUri | undefined {
    if (this.#sipUriReading?.text !== this.uri) this.#sipUriReading = { text: this.uri, value: parseSipUri(this.uri) };
    return this.#sipUriReading.value;
  }

  get startLine(): string {
    return `${this.method} ${this.uri} SIP/2.0`;
  }

  clone(): SipRequest {
    return new SipRequest(this.method, this.uri, this.headers.clone(), Buffer.from(this.body));
  }
}
