/**
 * A bare SIP party on a loopback UDP socket for the latency bench: it stamps each datagram as it
 * arrives (performance.now(), the clock the simulated modem's stamps use), splits it into start line
 * and headers, and lets the bench wait for the first message that matches. No transaction layer: the
 * bench writes each request and response itself (RFC 3261 §17 retransmissions are not needed on
 * loopback, and a lost datagram shows up as a timeout).
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface SipDatagram {
  at: number;
  startLine: string;
  /** Lower-case header name → every value, in order. */
  headers: Map<string, string[]>;
  raw: string;
  from: { address: string; port: number };
}

export function header(m: SipDatagram, name: string): string {
  return m.headers.get(name.toLowerCase())?.[0] ?? '';
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

function parse(raw: string, at: number, from: { address: string; port: number }): SipDatagram {
  const head = raw.split('\r\n\r\n', 1)[0]!;
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  return { at, startLine, headers, raw, from };
}

export class SipUdpParty {
  private readonly inbox: SipDatagram[] = [];
  private waiter: { match: (m: SipDatagram) => boolean; resolve: (m: SipDatagram) => void } | null = null;
  /** Called for each datagram before the waiters see it (the forward target answers INVITEs here). */
  onMessage: ((m: SipDatagram) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (bytes, info) => {
      const m = parse(bytes.toString('utf8'), performance.now(), { address: info.address, port: info.port });
      this.onMessage?.(m);
      const w = this.waiter;
      if (w && w.match(m)) {
        this.waiter = null;
        w.resolve(m);
      } else this.inbox.push(m);
    });
  }

  static async open(): Promise<SipUdpParty> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new SipUdpParty(socket, socket.address().port);
  }

  /** Sends `text` to 127.0.0.1:`port`; returns performance.now() taken just before the datagram is handed to the socket. */
  send(text: string, port: number, address = '127.0.0.1'): number {
    const at = performance.now();
    this.socket.send(Buffer.from(text, 'utf8'), port, address);
    return at;
  }

  /** The first message (already received or still to come) that matches; older non-matching ones are dropped. */
  next(match: (m: SipDatagram) => boolean, timeoutMs: number, what: string): Promise<SipDatagram> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) {
      const [m] = this.inbox.splice(0, i + 1).slice(-1);
      return Promise.resolve(m!);
    }
    this.inbox.length = 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`sip bench: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
