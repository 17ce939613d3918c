import type { SipRequest, SipResponse } from '../message/index.js';

/** RFC 3261 §12: a dialog is named by Call-ID, local tag and remote tag. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

const SEP = '\u0000';

/** The table key. Call-ID is compared exactly, tags too (§19.3: tags are opaque tokens). */
export function dialogKey(id: DialogId): string {
  return [id.callId, id.localTag, id.remoteTag].join(SEP);
}

/**
 * The id an incoming request names (§12.2.2): our tag is in To, the peer's in From. A From without a
 * tag (an RFC 2543 peer, §12.1.1) counts as the empty tag. Undefined when To has no tag: such a
 * request is outside any dialog.
 */
export function dialogIdOfIncomingRequest(request: SipRequest): DialogId | undefined {
  const callId = request.callId;
  const localTag = request.to?.tag;
  if (callId === undefined || localTag === undefined) return undefined;
  return { callId, localTag, remoteTag: request.from?.tag ?? '' };
}

/** The id a response to our request names (§12.1.2): our tag in From, the peer's in To. */
export function dialogIdOfIncomingResponse(response: SipResponse): DialogId | undefined {
  const callId = response.callId;
  const localTag = response.from?.tag;
  const remoteTag = response.to?.tag;
  if (callId === undefined || localTag === undefined || remoteTag === undefined) return undefined;
  return { callId, localTag, remoteTag };
}
