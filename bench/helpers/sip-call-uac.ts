/**
 * A minimal SIP user agent client over loopback UDP for benches and end-to-end tests that place many
 * SIP → GSM calls: INVITE with an A-law SDP offer naming the caller's RTP socket, ACK, BYE. No
 * transaction layer (RFC 3261 §17 retransmissions are not needed on loopback; a lost datagram shows as
 * a timeout); each request waits for its final response by Call-ID and CSeq.
 */
import { header, SipUdpParty, type SipDatagram } from './sip-udp-party.js';

export function sdpOffer(rtpPort: number): string {
  return ['v=0', 'o=cellgate-test 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${rtpPort} RTP/AVP 8 101`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', ''].join('\r\n');
}

/** An answered call: what ACK and BYE need, and where the gateway takes RTP. */
export interface SipDialog {
  readonly callId: string;
  readonly number: string;
  readonly fromTag: string;
  /** The To header of the 200 OK, with the gateway's tag. */
  readonly to: string;
  readonly gatewayRtp: { address: string; port: number };
}

export class SipCallUac {
  private readonly waiting = new Map<string, (m: SipDatagram) => void>();
  private constructor(
    readonly party: SipUdpParty,
    private readonly gatewayPort: number,
  ) {
    party.onMessage = (m) => {
      if (!m.startLine.startsWith('SIP/2.0 ') || Number(m.startLine.split(' ')[1]) < 200) return;
      const key = `${header(m, 'call-id')} ${header(m, 'cseq')}`;
      this.waiting.get(key)?.(m);
      this.waiting.delete(key);
    };
  }

  static async open(gatewayPort: number): Promise<SipCallUac> {
    return new SipCallUac(await SipUdpParty.open(), gatewayPort);
  }

  /**
   * INVITE `number` offering `rtpPort`; ACKs a 200 and returns the dialog, or the final status code of
   * a failure (a line still hanging up the previous call answers 486/503, which the caller may retry).
   */
  async invite(callId: string, number: string, rtpPort: number, timeoutMs = 30_000): Promise<SipDialog | number> {
    const fromTag = `f-${callId}`;
    const to = `<sip:${number}@127.0.0.1:${this.gatewayPort}>`;
    const final = await this.request('INVITE', { callId, number, fromTag, to }, 1, sdpOffer(rtpPort), timeoutMs);
    const code = Number(final.startLine.split(' ')[1]);
    if (code !== 200) {
      // RFC 3261 §17.1.1.3: a non-2xx final response is acknowledged too (with the INVITE's branch).
      this.send('ACK', { callId, number, fromTag, to: header(final, 'to') }, 1, '', 'INVITE');
      return code;
    }
    const dialog = { callId, number, fromTag, to: header(final, 'to') };
    this.send('ACK', dialog, 1);
    const port = Number(/m=audio (\d+)/.exec(final.raw)?.[1] ?? 0);
    const address = /c=IN IP4 (\S+)/.exec(final.raw)?.[1] ?? '127.0.0.1';
    return { ...dialog, gatewayRtp: { address: address === '0.0.0.0' ? '127.0.0.1' : address, port } };
  }

  /** BYE; resolves with the final response's status code. */
  async bye(d: SipDialog, timeoutMs = 10_000): Promise<number> {
    const final = await this.request('BYE', d, 2, '', timeoutMs);
    return Number(final.startLine.split(' ')[1]);
  }

  close(): Promise<void> {
    return this.party.close();
  }

  private request(method: string, d: Pick<SipDialog, 'callId' | 'number' | 'fromTag' | 'to'>, cseq: number, body: string, timeoutMs: number): Promise<SipDatagram> {
    const key = `${d.callId} ${cseq} ${method}`;
    const final = new Promise<SipDatagram>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no final response to ${method} of ${d.callId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    this.send(method, d, cseq, body);
    return final;
  }

  /** `branchOf` names the method whose transaction this request belongs to (ACK of a failed INVITE). */
  private send(method: string, d: Pick<SipDialog, 'callId' | 'number' | 'fromTag' | 'to'>, cseq: number, body = '', branchOf = method): void {
    const local = `127.0.0.1:${this.party.port}`;
    const lines = [
      `${method} sip:${d.number}@127.0.0.1:${this.gatewayPort} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK-${d.callId}-${cseq}-${branchOf};rport`,
      `From: <sip:test@${local}>;tag=${d.fromTag}`,
      `To: ${d.to}`,
      `Call-ID: ${d.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:test@${local}>`,
      'Max-Forwards: 70',
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    this.party.send(lines.join('\r\n'), this.gatewayPort);
  }
}
