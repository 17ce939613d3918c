/**
 * Hostile input at the daemon's SIP port while a good call proceeds: more than 10,000 malformed UDP
 * datagrams (test/e2e/sip-fuzz-corpus.ts) and hundreds of TCP streams (garbage, a header that never
 * ends, negative Content-Length, slow drip, many connections at once). The daemon must not crash,
 * SIPp's call must complete, OPTIONS must be answered afterwards, and memory must come back down.
 *
 * The per-source rate limit (sip.rateLimit) is left as configured: it is part of the defence. The
 * flood comes from other loopback addresses (127.0.0.10 and up) than the good call and the final
 * OPTIONS (127.0.0.1, the demo trunk's address), so the limit drops the flood and never the call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { endedRecord, sippCall, assertSippPassed } from './sip-calls-in-helpers.js';
import { hostileDatagram, prng, validRequest } from './sip-fuzz-corpus.js';
import { sleep, startSmsDaemon } from './sms-daemon.js';

const DATAGRAMS = 10_000;
const FLOOD_SOURCES = 8;

/** A full garbage collection when the runtime lets us ask for one (node's test runner does not pass --expose-gc). */
function gcIfPossible(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc !== 'function') return false;
    gc();
    gc();
    return true;
  } catch {
    return false;
  }
}

async function udpSockets(count: number, firstHost: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const s = createSocket('udp4');
      s.on('message', () => undefined);
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.bind(0, `127.0.0.${firstHost + i}`, resolve));
      return s;
    }),
  );
}

async function floodUdp(port: number, seed: number, count: number): Promise<Record<string, number>> {
  const r = prng(seed);
  const sockets = await udpSockets(FLOOD_SOURCES, 10);
  const kinds: Record<string, number> = {};
  try {
    for (let n = 0; n < count; n++) {
      const { kind, bytes } = hostileDatagram(r, n, port);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      sockets[n % sockets.length]!.send(bytes, port, '127.0.0.1');
      if (n % 100 === 99) await sleep(5);
    }
    await sleep(200);
  } finally {
    sockets.forEach((s) => s.close());
  }
  return kinds;
}

interface TcpOutcome {
  closedByDaemon: boolean;
  received: string;
}

/** One TCP connection from `host`: `write` drives it; resolves when it closes or after `maxMs`. */
function tcpSession(port: number, host: string, write: (s: TcpSocket) => Promise<void>, maxMs: number): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const out: TcpOutcome = { closedByDaemon: false, received: '' };
    let ours = false;
    const s = connect({ port, host: '127.0.0.1', localAddress: host });
    const timer = setTimeout(() => {
      ours = true;
      s.destroy();
    }, maxMs);
    s.on('data', (d) => (out.received += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      out.closedByDaemon = !ours;
      resolve(out);
    });
    s.on('connect', () => {
      write(s).then(
        () => undefined,
        () => s.destroy(),
      );
    });
  });
}

async function tcpAbuse(port: number, seed: number): Promise<{ streams: number; slowDripAnswers: number; hugeHeaderClosed: number }> {
  const r = prng(seed);
  let streams = 0;
  // Garbage streams: several hostile messages back to back in one stream, then FIN.
  for (let batch = 0; batch < 8; batch++) {
    const sessions = Array.from({ length: 25 }, (_, i) => {
      const n = batch * 25 + i;
      const payload = Buffer.concat([hostileDatagram(r, n, port).bytes, hostileDatagram(r, n + 7, port).bytes, hostileDatagram(r, n + 3, port).bytes]);
      return tcpSession(port, `127.0.0.${20 + (n % 4)}`, async (s) => void s.end(payload), 2000);
    });
    await Promise.all(sessions);
    streams += sessions.length;
  }
  // A header that never ends: the daemon must give up on it rather than buffer without bound.
  const huge = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      tcpSession(port, `127.0.0.${24 + (i % 2)}`, async (s) => {
        s.write(`OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nX-Huge: `);
        for (let k = 0; k < 40 && !s.destroyed; k++) {
          s.write('B'.repeat(16_384));
          await sleep(5);
        }
      }, 5000),
    ),
  );
  streams += huge.length;
  // Negative and oversized Content-Length in a stream (RFC 3261 §18.3: mandatory over TCP).
  const lengths = await Promise.all(
    ['-1', '-4294967296', '99999999999', '70000', 'abc'].map((cl, i) =>
      tcpSession(port, '127.0.0.26', async (s) => void s.end(validRequest('MESSAGE', 90_000 + i, port, 'hi').replace(/Content-Length: \d+/, `Content-Length: ${cl}`)), 3000),
    ),
  );
  streams += lengths.length;
  // Slow drip: a valid OPTIONS, 4 bytes every 20 ms.
  const drip = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      tcpSession(port, '127.0.0.27', async (s) => {
        const bytes = Buffer.from(validRequest('OPTIONS', 91_000 + i, port).replace('SIP/2.0/UDP', 'SIP/2.0/TCP'));
        for (let k = 0; k < bytes.length && !s.destroyed; k += 4) {
          s.write(bytes.subarray(k, k + 4));
          await sleep(20);
        }
      }, 8000),
    ),
  );
  streams += drip.length;
  // Many connections at once, spread over addresses (per-IP cap), held open, then dropped.
  const many = await Promise.all(Array.from({ length: 300 }, (_, i) => tcpSession(port, `127.0.0.${40 + (i % 10)}`, async () => undefined, 1500)));
  streams += many.length;
  return {
    streams,
    slowDripAnswers: drip.filter((d) => /^SIP\/2\.0 200 /.test(d.received)).length,
    hugeHeaderClosed: huge.filter((h) => h.closedByDaemon).length,
  };
}

async function optionsAnswered(port: number): Promise<number | null> {
  const [s] = await udpSockets(1, 1);
  const socket = s!;
  const status = new Promise<number>((resolve) => socket.on('message', (m) => resolve(Number(/^SIP\/2\.0 (\d{3})/.exec(m.toString('latin1'))?.[1]))));
  socket.send(validRequest('OPTIONS', 99_999, port), port, '127.0.0.1');
  const result = await Promise.race([status, sleep(3000).then(() => null)]);
  socket.close();
  return result;
}

test('10,000 hostile datagrams and hundreds of hostile TCP streams during a good SIPp call: no crash, the call completes, OPTIONS answered, memory bounded', async (t) => {
  const x = await startSmsDaemon({ modems: 1 });
  t.after(() => x.stop());
  const port = x.d.sip!.ports.udp;

  // Warm up the paths the flood takes, then take the baseline.
  await floodUdp(port, 1, 600);
  const hasGc = gcIfPossible();
  const before = process.memoryUsage();

  const number = '13912345678';
  const call = sippCall(port, { scenario: 'uac', number, extraArgs: ['-d', '6000'] });
  await sleep(300);
  const [kinds, tcp] = await Promise.all([floodUdp(port, 42, DATAGRAMS), tcpAbuse(port, 43)]);
  assertSippPassed(await call);
  const record = await endedRecord(x.api, number);
  assert.equal(record.outcome, 'answered');
  assert.equal(await optionsAnswered(port), 200, 'OPTIONS answered after the flood');

  // Let timers of refused transactions run out before measuring again.
  await sleep(1000);
  gcIfPossible();
  const after = process.memoryUsage();
  const mb = (v: number) => Math.round((v / 1048576) * 10) / 10;
  const grown = { heapUsedMb: mb(after.heapUsed - before.heapUsed), rssMb: mb(after.rss - before.rss) };
  t.diagnostic(`datagrams by kind: ${JSON.stringify(kinds)}`);
  t.diagnostic(`TCP: ${JSON.stringify(tcp)}`);
  t.diagnostic(`gc available: ${hasGc}; before heapUsed ${mb(before.heapUsed)} MB rss ${mb(before.rss)} MB; after heapUsed ${mb(after.heapUsed)} MB rss ${mb(after.rss)} MB; growth ${JSON.stringify(grown)}`);
  const warnings = x.logs.filter((l) => l.level >= 40);
  t.diagnostic(`daemon warnings and errors: ${warnings.length}; ${JSON.stringify(warnings.slice(0, 5))}`);
  assert.deepEqual(x.logs.filter((l) => l.level >= 50), [], 'no error logged');
  assert.ok(Object.values(kinds).reduce((a, b) => a + b, 0) >= DATAGRAMS);
  assert.equal(tcp.hugeHeaderClosed, 10, 'every endless header was cut off by the daemon');
  // The daemon and the test share the process; bounds allow for the test's own buffers and SIPp's record.
  assert.ok(grown.heapUsedMb < (hasGc ? 20 : 60), `heap grew by ${grown.heapUsedMb} MB`);
  assert.ok(grown.rssMb < (hasGc ? 80 : 150), `rss grew by ${grown.rssMb} MB`);
});
