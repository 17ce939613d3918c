/**
 * NAT keep-alive towards the registrars we are registered with (the manual's "NAT 保活"): a NAT in
 * front of the gateway forgets an idle UDP mapping within tens of seconds, after which the PBX's
 * INVITEs no longer reach us. Every `intervalSec` each registered account's next hop gets either a
 * bare CRLF pair (RFC 5626 §3.5.1's ping; RFC 3261 §7.5 lets a receiver ignore CRLF before a message)
 * or an OPTIONS request (§11), which also tells whether the peer is alive. Targets are read at every
 * round, so accounts that register or fail later are followed; a failed send is logged, never thrown.
 */
import type { Logger } from '../../util/log.js';
import type { SipTarget } from '../transport/index.js';
import type { HostResolver } from './endpoint-register-sender.js';
import type { SipServerAddress } from './registration-options.js';

export type KeepAliveMethod = 'options' | 'crlf' | 'off';

export interface NatKeepAliveOptions {
  /** The next hops to keep open (registered accounts' outbound proxy or registrar). */
  targets(): readonly SipServerAddress[];
  /** `sip.keepAlive`, read at every round. */
  settings(): { readonly method: KeepAliveMethod; readonly intervalSec: number };
  /** Raw bytes to a target (the transport set's send). */
  sendBytes(target: SipTarget, bytes: Uint8Array): Promise<void>;
  /** An OPTIONS request to a target in its own transaction; resolves when it ended, whatever the answer. */
  sendOptions(target: SipTarget): Promise<unknown>;
  resolve: HostResolver;
  log: Logger;
}

/** RFC 5626 §3.5.1: the keep-alive "ping" is a double CRLF. */
export const CRLF_PING = Uint8Array.from([13, 10, 13, 10]);

export class NatKeepAlive {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly o: NatKeepAliveOptions) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One round: a ping to every target now. Resolves with how many were sent. */
  async round(): Promise<number> {
    const { method } = this.o.settings();
    if (method === 'off') return 0;
    const seen = new Set<string>();
    let sent = 0;
    for (const server of this.o.targets()) {
      const key = `${server.transport}:${server.host}:${server.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const target: SipTarget = { ip: await this.o.resolve(server.host), port: server.port, kind: server.transport };
        if (method === 'crlf') await this.o.sendBytes(target, CRLF_PING);
        else void this.o.sendOptions(target).catch(() => undefined);
        sent += 1;
      } catch (e) {
        this.o.log.debug({ target: key, err: (e as Error).message }, 'sip: NAT keep-alive not sent');
      }
    }
    return sent;
  }

  private schedule(): void {
    if (!this.running) return;
    const ms = Math.max(1, this.o.settings().intervalSec) * 1000;
    this.timer = setTimeout(() => {
      void this.round().finally(() => this.schedule());
    }, ms);
    this.timer.unref();
  }
}
