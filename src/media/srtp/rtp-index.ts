/**
 * The receiver's 48-bit SRTP packet index i = 2^16 · ROC + SEQ (RFC 3711 §3.3.1 and appendix A): the
 * rollover counter is guessed from the highest sequence number seen, s_l, and committed only once the
 * packet has been authenticated.
 */
export interface RolloverState {
  roc: number;
  /** s_l, the highest sequence number authenticated with the current ROC. */
  highestSeq: number;
}

/** Appendix A: the ROC guess v for a sequence number. May be −1 (a packet from before the first). */
export function estimateRoc(state: RolloverState, seq: number): number {
  const { roc, highestSeq } = state;
  if (highestSeq < 32768) return seq - highestSeq > 32768 ? roc - 1 : roc;
  return highestSeq - 32768 > seq ? roc + 1 : roc;
}

/** Appendix A: the state after a packet with guess `v` and sequence number `seq` has authenticated. */
export function commitRoc(state: RolloverState, v: number, seq: number): RolloverState {
  if (v === state.roc + 1) return { roc: v, highestSeq: seq };
  if (v === state.roc && seq > state.highestSeq) return { roc: v, highestSeq: seq };
  return state;
}
