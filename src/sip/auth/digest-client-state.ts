/**
 * States of one digest client (one set of credentials against one server or proxy), and the only
 * function that moves between them.
 *
 *   unchallenged --answer--> answered --accept--> accepted
 *   answered --answer-stale--> answered      (RFC 7616 §3.3: stale=true, retry without the user)
 *   answered --reject--> rejected            (a fresh challenge after our answer: wrong credentials)
 *   accepted --answer / answer-stale--> answered  (a later request challenged anew, e.g. nonce expiry)
 *   accepted --reject--> rejected            (challenged again on the nonce that was accepted)
 *   accepted --accept--> accepted            (a later request using the cached nonce went through)
 *
 * `rejected` is final: asking the user again is the caller's decision, with a new client.
 */

export type DigestClientState = 'unchallenged' | 'answered' | 'accepted' | 'rejected';
export type DigestClientEvent = 'answer' | 'answer-stale' | 'accept' | 'reject';

const EDGES: Record<DigestClientState, Partial<Record<DigestClientEvent, DigestClientState>>> = {
  unchallenged: { answer: 'answered' },
  answered: { 'answer-stale': 'answered', accept: 'accepted', reject: 'rejected' },
  accepted: { answer: 'answered', 'answer-stale': 'answered', accept: 'accepted', reject: 'rejected' },
  rejected: {},
};

export class IllegalDigestClientTransition extends Error {
  constructor(
    readonly from: DigestClientState,
    readonly event: DigestClientEvent,
  ) {
    super(`digest client: no "${event}" from state "${from}"`);
    this.name = 'IllegalDigestClientTransition';
  }
}

/** The next state, or a throw on an edge the diagram above does not have (a bug in the caller). */
export function nextDigestClientState(from: DigestClientState, event: DigestClientEvent): DigestClientState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalDigestClientTransition(from, event);
  return to;
}
