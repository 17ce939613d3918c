/** A stream connection's life: `connecting` (outbound, before the TCP or TLS handshake completes), `open`, `closed`. */
export type StreamConnectionState = 'connecting' | 'open' | 'closed';

const ALLOWED: Readonly<Record<StreamConnectionState, readonly StreamConnectionState[]>> = {
  connecting: ['open', 'closed'],
  open: ['closed'],
  closed: [],
};

/** Why a connection closed, for logs and tests. */
export type StreamCloseReason = 'peer-closed' | 'socket-error' | 'framing-error' | 'idle-timeout' | 'incomplete-message-timeout' | 'connect-failed' | 'transport-closed' | 'closed-by-user';

export function nextConnectionState(from: StreamConnectionState, to: StreamConnectionState): StreamConnectionState {
  if (!ALLOWED[from].includes(to)) throw new Error(`sip stream connection: no transition from ${from} to ${to}`);
  return to;
}
