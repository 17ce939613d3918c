/**
 * One TCP or TLS connection carrying SIP (RFC 3261 §18.3): a stream framer cuts messages out of the
 * bytes, a double-CRLF ping is answered with one CRLF (RFC 5626 §3.5.1), a framing error closes the
 * connection (nothing after it can be trusted to start a message), and two timers close connections
 * that stay silent or drip a message too slowly.
 */
import type { Socket } from 'node:net';
import { StreamFramer, type StreamFramerError, type StreamFramerOptions } from './stream-framer.js';
import { nextConnectionState, type StreamCloseReason, type StreamConnectionState } from './stream-connection-state.js';
import type { SipConnection, SipPeerAddress } from './sip-transport.js';

export interface StreamConnectionEvents {
  /** The bytes of one framed message. */
  message(connection: StreamConnection, bytes: Buffer): void;
  framingError(connection: StreamConnection, error: StreamFramerError): void;
  /** Exactly once, when the connection is gone. */
  closed(connection: StreamConnection, reason: StreamCloseReason): void;
}

export interface StreamConnectionSettings {
  readonly idleTimeoutMs: number;
  readonly incompleteMessageTimeoutMs: number;
  readonly framer?: Partial<StreamFramerOptions> | undefined;
}

const CRLF = Buffer.from('\r\n', 'latin1');

export class StreamConnection implements SipConnection {
  private stateValue: StreamConnectionState;
  private readonly framer: StreamFramer;
  private incompleteTimer: NodeJS.Timeout | undefined;
  closeReason: StreamCloseReason | undefined;

  constructor(
    readonly id: string,
    readonly kind: 'tcp' | 'tls',
    readonly direction: 'inbound' | 'outbound',
    readonly remote: SipPeerAddress,
    readonly local: SipPeerAddress,
    private readonly socket: Socket,
    private readonly settings: StreamConnectionSettings,
    private readonly events: StreamConnectionEvents,
  ) {
    this.stateValue = direction === 'inbound' ? 'open' : 'connecting';
    this.framer = new StreamFramer(settings.framer);
    // socket.setTimeout fires after this long without reads or writes: the idle timeout.
    socket.setTimeout(settings.idleTimeoutMs, () => this.close('idle-timeout'));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close('socket-error'));
    socket.on('close', () => this.close('peer-closed'));
    socket.on('end', () => this.close('peer-closed'));
  }

  get state(): StreamConnectionState {
    return this.stateValue;
  }

  get isOpen(): boolean {
    return this.stateValue === 'open';
  }

  /** Outbound: the TCP (or TLS) handshake completed. */
  markOpen(): void {
    this.stateValue = nextConnectionState(this.stateValue, 'open');
  }

  send(bytes: Uint8Array): boolean {
    if (this.stateValue !== 'open') return false;
    this.socket.write(bytes);
    return true;
  }

  close(reason: StreamCloseReason = 'closed-by-user'): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = nextConnectionState(this.stateValue, 'closed');
    this.closeReason = reason;
    clearTimeout(this.incompleteTimer);
    this.socket.destroy();
    this.events.closed(this, reason);
  }

  private onData(chunk: Buffer): void {
    if (this.stateValue !== 'open') return;
    for (const event of this.framer.push(chunk)) {
      switch (event.kind) {
        case 'message':
          clearTimeout(this.incompleteTimer);
          this.incompleteTimer = undefined;
          this.events.message(this, event.bytes);
          break;
        case 'ping':
          this.send(CRLF);
          break;
        case 'pong':
          break;
        case 'error':
          this.events.framingError(this, event.error);
          this.close('framing-error');
          return;
      }
      if (this.stateValue !== 'open') return;
    }
    this.watchIncompleteMessage();
  }

  /** Slow-drip protection: a message, once begun, must be complete within the time allowed. */
  private watchIncompleteMessage(): void {
    const inMessage = this.framer.currentState === 'headers' || this.framer.currentState === 'body';
    if (!inMessage) {
      clearTimeout(this.incompleteTimer);
      this.incompleteTimer = undefined;
    } else if (this.incompleteTimer === undefined) {
      this.incompleteTimer = setTimeout(() => this.close('incomplete-message-timeout'), this.settings.incompleteMessageTimeoutMs);
    }
  }
}
