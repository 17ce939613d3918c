/**
 * What every transport does with the bytes of one message: parse (sizes capped first), stamp
 * `received`/`rport` on requests, answer a `respond` verdict where the bytes came from, and hand the
 * result to the receiver. Never throws for bad bytes.
 */
import { createRejectionResponse, parseSipMessage, serializeSipMessage, type SipParseOptions } from '../message/index.js';
import type { RateLimitedLog } from './rate-limited-log.js';
import type { SipConnection, SipPeerAddress, SipReceiver, SipTransportKind } from './sip-transport.js';
import { stampReceived } from './via-received.js';

export interface ReceiveContext {
  readonly source: SipPeerAddress;
  readonly transport: SipTransportKind;
  readonly connection: SipConnection | undefined;
  readonly parse: Partial<SipParseOptions>;
  readonly version: string;
  /** Sends an answer back the way the bytes came: the packet source for UDP, the connection for streams. */
  readonly reply: (bytes: Buffer) => void;
  readonly receiver: SipReceiver | undefined;
  readonly quietLog: RateLimitedLog;
}

export function receiveBytes(bytes: Buffer, context: ReceiveContext): void {
  const { source, transport, connection } = context;
  const result = parseSipMessage(bytes, context.parse);
  if (result.ok) {
    if (result.message.kind === 'request') stampReceived(result.message, source);
    context.receiver?.({ kind: 'message', message: result.message, source, transport, connection });
    return;
  }
  const verdict = result.verdict;
  if (verdict.action === 'respond') {
    // The Via may be the broken part, so the answer goes where the bytes came from (RFC 3261 §18.2.2 cannot apply).
    context.reply(serializeSipMessage(createRejectionResponse(verdict, { version: context.version })));
  }
  context.quietLog.debug({ transport, source, action: verdict.action, detail: verdict.detail }, 'sip transport: message refused');
  context.receiver?.({ kind: 'rejected', verdict, source, transport, connection });
}
