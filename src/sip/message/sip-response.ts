import { SipHeaders } from './sip-headers.js';
import { SipMessageBase } from './sip-message-base.js';

/** A SIP response: `SIP/2.0 Status-Code Reason-Phrase` (RFC 3261 §7.2). */
export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  statusCode: number;
  reasonPhrase: string;

  constructor(statusCode: number, reasonPhrase: string, headers: SipHeaders = new SipHeaders(), body: Buffer = Buffer.alloc(0)) {
    super(headers, body);
    this.statusCode = statusCode;
    this.reasonPhrase = reasonPhrase;
  }

  get startLine(): string {
    return `SIP/2.0 ${this.statusCode} ${this.reasonPhrase}`;
  }

  clone(): SipResponse {
    return new SipResponse(this.statusCode, this.reasonPhrase, this.headers.clone(), Buffer.from(this.body));
  }
}

