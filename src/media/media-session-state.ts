/**
 * The states of a call's media session. `offering`: our offer is out, no answer yet. `negotiated`: an
 * offer/answer exchange completed (we answered, or the peer answered us); re-offers keep it there.
 * `closed`: the port pair is released. One transition function; an illegal edge is a bug and throws.
 */
export type MediaSessionState = 'offering' | 'negotiated' | 'closed';
export type MediaSessionEvent = 'answer-accepted' | 'close';

export function nextMediaSessionState(from: MediaSessionState, event: MediaSessionEvent): MediaSessionState {
  if (event === 'close') return 'closed';
  if (event === 'answer-accepted' && from === 'offering') return 'negotiated';
  throw new Error(`media session: illegal transition ${from} --${event}-->`);
}
