/**
 * Adapters from the message model to the transaction layer's narrow views (RFC 3261 §17): the top
 * Via branch, the normalised sent-by, the CSeq method and, for RFC 2543 peers, the identity §17.2.3
 * matches on. Pure; a message missing what a transaction needs gives undefined, never a throw.
 */
import { serializeSipMessage, type SipRequest, type SipResponse, type SipVia } from '../message/index.js';
import type { TransactionRequest, TransactionResponse } from '../transaction/transaction-message.js';
import { hasMagicCookie } from '../transaction/transaction-key.js';

/** §17.2.3 compares sent-by as `host[:port]`; hosts are case-insensitive, a missing port stays missing. */
export function normalisedSentBy(via: SipVia): string {
  const host = via.host.toLowerCase();
  return via.port === undefined ? host : `${host}:${via.port}`;
}

/** The transaction view of a request, or undefined when it has no readable top Via or CSeq. */
export function transactionRequestOf(request: SipRequest, bytes: Uint8Array = serializeSipMessage(request)): TransactionRequest | undefined {
  const via = request.topVia;
  const cseq = request.cseq;
  if (via === undefined || cseq === undefined) return undefined;
  const view = { method: request.method, branch: via.branch, sentBy: normalisedSentBy(via), cseqMethod: cseq.method, bytes };
  if (hasMagicCookie(via.branch)) return view;
  const callId = request.callId;
  if (callId === undefined) return view;
  // RFC 2543 peers: the whole identity of §17.2.3; the top Via without the received/rport we stamped.
  const topVia = `${via.transport} ${normalisedSentBy(via)};branch=${via.branch ?? ''}`;
  return { ...view, legacy: { requestUri: request.uri, callId, cseqNumber: cseq.seq, fromTag: request.from?.tag, toTag: request.to?.tag, topVia } };
}

/** The transaction view of a response (branch and CSeq method for §17.1.3, To tag for RFC 2543 ACKs). */
export function transactionResponseOf(response: SipResponse, bytes: Uint8Array = serializeSipMessage(response)): TransactionResponse {
  const cseqMethod = response.cseq?.method;
  return { statusCode: response.statusCode, bytes, branch: response.topVia?.branch, toTag: response.to?.tag, ...(cseqMethod === undefined ? {} : { cseqMethod }) };
}
