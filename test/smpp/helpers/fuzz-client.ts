/**
 * The adversary of the SMPP fuzz tests (test/smpp/fuzz.test.ts, test/e2e/smpp-fuzz.test.ts): raw
 * connections that write the PDUs of fuzz-pdus.ts, read and discard whatever the SMSC answers, and let
 * the SMSC close them.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { bindPdu, fatal, nonFatal } from './fuzz-pdus.js';

/** What the fuzzers of one test have sent, shared between them: `sent` counts every PDU, `kinds` by kind. */
export interface FuzzTally {
  sent: number;
  kinds: Map<string, number>;
}

export function fuzzTally(): FuzzTally {
  return { sent: 0, kinds: new Map() };
}

export interface FuzzerOptions {
  port: number;
  /** The fuzzer's own seeded PRNG (prng() of fuzz-pdus.ts). */
  rnd: () => number;
  /** Stop once the tally has reached this many PDUs. */
  total: number;
  tally: FuzzTally;
  /** Account the bound connections use. */
  systemId: string;
  password: string;
}

/** A raw TCP connection to the SMSC on loopback that ignores what it reads and any error after it connected. */
export function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.on('error', () => undefined); // EPIPE / ECONNRESET once the SMSC has closed this connection
      resolve(s);
    });
    s.once('error', reject);
    s.on('data', () => undefined); // read and discard every response
  });
}

/**
 * One fuzzer: connection after connection until the tally reaches `total`. Each connection stays unbound
 * or binds as transmitter, receiver or transceiver, writes a batch of 20 to 149 non-fatal PDUs in random
 * slices (so PDUs straddle TCP segments), in 70 % of cases ends with one that breaks framing, and is
 * closed after 300 ms unless the SMSC closed it first.
 */
export async function runFuzzer(o: FuzzerOptions): Promise<void> {
  const { rnd, tally } = o;
  let seq = 1;
  while (tally.sent < o.total) {
    const sock = await openRaw(o.port);
    const mode = Math.floor(rnd() * 4); // 0 unbound, 1-3 bound as tx / rx / trx
    if (mode > 0) sock.write(bindPdu((['transmitter', 'receiver', 'transceiver'] as const)[mode - 1]!, seq++, o.systemId, o.password));
    const batch = 20 + Math.floor(rnd() * 130);
    const chunks: Buffer[] = [];
    for (let i = 0; i < batch && tally.sent < o.total; i++) {
      const { kind, pdu } = nonFatal(rnd, seq++);
      tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1);
      chunks.push(pdu);
      tally.sent++;
    }
    const all = Buffer.concat(chunks);
    for (let p = 0; p < all.length; ) {
      const n = 1 + Math.floor(rnd() * 700);
      sock.write(all.subarray(p, p + n));
      p += n;
    }
    if (rnd() < 0.7) {
      sock.write(fatal(rnd, seq++));
      tally.kinds.set('framing', (tally.kinds.get('framing') ?? 0) + 1);
      tally.sent++;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sock.destroy();
        resolve();
      }, 300);
      sock.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
