import { BRANCH_MAGIC_COOKIE, type TransactionRequest, type TransactionResponse } from './transaction-message.js';

/** A key into the transaction table, or why a message has none. */
export type KeyVerdict = { readonly ok: true; readonly key: string; readonly legacy: boolean } | { readonly ok: false; readonly reason: 'no-branch' | 'no-legacy-identity' };

const SEP = '\u0000';

/** §17.2.3: an ACK belongs to the INVITE transaction it acknowledges; every other method (CANCEL too) to its own. */
function transactionMethod(method: string): string {
  return method === 'ACK' ? 'INVITE' : method;
}

export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE) && branch.length > BRANCH_MAGIC_COOKIE.length;
}

/** §17.1.3: a response matches the client transaction with its top Via branch and its CSeq method. */
export function clientKeyOfResponse(response: TransactionResponse): KeyVerdict {
  if (response.branch === undefined || response.branch === '' || response.cseqMethod === undefined) return { ok: false, reason: 'no-branch' };
  return { ok: true, key: ['c', response.branch, response.cseqMethod].join(SEP), legacy: false };
}

/** The client key a request we send will be found under (our branches always carry the cookie). */
export function clientKeyOfRequest(request: TransactionRequest): KeyVerdict {
  if (request.branch === undefined || request.branch === '') return { ok: false, reason: 'no-branch' };
  return { ok: true, key: ['c', request.branch, request.cseqMethod].join(SEP), legacy: false };
}

/**
 * §17.2.3. With the magic cookie: branch, sent-by and method (ACK → INVITE). Without it (RFC 2543):
 * Request-URI, From tag, Call-ID, CSeq number, top Via and method; the To tag is compared by the table,
 * since an ACK carries the To tag of the response rather than that of the INVITE.
 * `methodOverride` serves CANCEL matching (§9.2), which looks for the INVITE with the same identity.
 */
export function serverKeyOfRequest(request: TransactionRequest, methodOverride?: string): KeyVerdict {
  const method = methodOverride ?? transactionMethod(request.method);
  if (hasMagicCookie(request.branch)) {
    return { ok: true, key: ['s', request.branch, request.sentBy.toLowerCase(), method].join(SEP), legacy: false };
  }
  const legacy = request.legacy;
  if (legacy === undefined) return { ok: false, reason: 'no-legacy-identity' };
  const key = ['l', legacy.requestUri, legacy.fromTag ?? '', legacy.callId, String(legacy.cseqNumber), legacy.topVia, method].join(SEP);
  return { ok: true, key, legacy: true };
}
