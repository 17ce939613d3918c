/**
 * Sends one text MESSAGE (RFC 3428) in a non-INVITE client transaction: our Via for the hop's
 * transport, a fresh Call-ID and CSeq, no Contact (§4: out of dialog, none needed).
 */
import type { SipRequestOutcome } from '../core/index.js';
import type { SipRequest } from '../message/index.js';
import { createTextMessage, type TextMessageTarget } from '../message-sms/index.js';
import type { SipTarget, SipTransportKind } from '../transport/index.js';

/** The part of SipEndpoint the bridge sends through. */
export interface MessageEndpoint {
  sendRequest(request: SipRequest, target: SipTarget): Promise<SipRequestOutcome>;
}

export interface TextMessageSenderOptions {
  readonly endpoint: MessageEndpoint;
  /** cellgate's version for User-Agent. */
  readonly version: string;
  /** Our sent-by for a transport (Via host and port, RFC 3261 §18.1.1). */
  readonly localVia: (kind: SipTransportKind) => { readonly host: string; readonly port?: number };
}

export interface TextMessageParties {
  readonly uri: string;
  readonly from: string;
  readonly to: string;
}

export class TextMessageSender {
  private cseq = 1;

  constructor(private readonly options: TextMessageSenderOptions) {}

  /** Resolves with the transaction's end; never rejects. */
  async send(parties: TextMessageParties, target: SipTarget, body: string): Promise<SipRequestOutcome> {
    try {
      const via = this.options.localVia(target.kind);
      const spec: TextMessageTarget = {
        uri: parties.uri,
        from: { uri: parties.from },
        to: { uri: parties.to },
        via: { transport: target.kind.toUpperCase(), host: via.host, ...(via.port !== undefined ? { port: via.port } : {}) },
        cseq: this.nextCseq(),
        version: this.options.version,
      };
      return await this.options.endpoint.sendRequest(createTextMessage(spec, body), target);
    } catch (error) {
      return { kind: 'transport-error', error };
    }
  }

  /** CSeq numbers stay below 2^31 (RFC 3261 §8.1.1.5). */
  private nextCseq(): number {
    const value = this.cseq;
    this.cseq = this.cseq >= 2 ** 31 - 1 ? 1 : this.cseq + 1;
    return value;
  }
}
