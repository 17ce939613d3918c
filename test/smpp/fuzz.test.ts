/**
 * Fuzz: more than 10,000 malformed PDUs over many connections (command_length from 0 to 100000, unknown
 * command ids, truncated bodies, random bodies, C-strings without NULL, valid PDUs in the wrong bind state,
 * submit_sm before bind, random byte streams) while one well-behaved ESME — the `smpp` package's own
 * client (smpp.connect) — keeps submitting and receiving deliver_sm. The good session must lose nothing,
 * no handler may throw, and the server must still accept binds at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import smpp, { type PduInstance, type Session } from 'smpp';
import { encodePdu } from '../../src/smpp/codec.js';
import { RawEsme, submitFields } from './helpers/raw-esme.js';
import { startSmsc } from './helpers/start.js';

const TOTAL_MALFORMED = 10_500;
const GOOD_SUBMITS = 400;
const GOOD_MO = 200;

/** mulberry32: a small seeded PRNG so that a failing run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function header(length: number, id: number, seq: number, status = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length >>> 0, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(seq >>> 0, 12);
  return b;
}

function withLength(b: Buffer): Buffer {
  b.writeUInt32BE(b.length, 0);
  return b;
}

const KNOWN = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x15, 0x21, 0x102, 0x103, 0x80000000, 0x80000004, 0x80000005, 0x80000015];

type Kind = 'unknown-id' | 'truncated' | 'random-body' | 'no-nul' | 'wrong-state' | 'bad-tlv';

/** A malformed (or misplaced) PDU that keeps the stream framed: the session must answer and go on. */
function nonFatal(rnd: () => number, seq: number): { kind: Kind; pdu: Buffer } {
  const pick = Math.floor(rnd() * 6);
  const randBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  switch (pick) {
    case 0: {
      let id = Math.floor(rnd() * 0xffffffff);
      if (KNOWN.includes(id)) id = 0x99;
      return { kind: 'unknown-id', pdu: withLength(Buffer.concat([header(0, id, seq), randBytes(Math.floor(rnd() * 40))])) };
    }
    case 1: {
      const full = encodePdu('submit_sm', seq, submitFields({ short_message: randBytes(Math.floor(rnd() * 100)) }));
      const cut = 16 + Math.floor(rnd() * (full.length - 16));
      return { kind: 'truncated', pdu: withLength(Buffer.from(full.subarray(0, cut))) };
    }
    case 2: {
      const id = KNOWN[Math.floor(rnd() * KNOWN.length)]!;
      return { kind: 'random-body', pdu: withLength(Buffer.concat([header(0, id, seq, rnd() < 0.2 ? Math.floor(rnd() * 256) : 0), randBytes(Math.floor(rnd() * 200))])) };
    }
    case 3: {
      const id = [0x02, 0x04, 0x03, 0x09, 0x103][Math.floor(rnd() * 5)]!;
      const body = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => 1 + Math.floor(rnd() * 255)));
      return { kind: 'no-nul', pdu: withLength(Buffer.concat([header(0, id, seq), body])) };
    }
    case 4: {
      const choices = [
        () => encodePdu('bind_transmitter', seq, { system_id: 'fuzz', password: 'x', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }),
        () => encodePdu('deliver_sm', seq, submitFields({ short_message: Buffer.from('x') })),
        () => encodePdu('submit_sm', seq, submitFields({ short_message: Buffer.from('before bind?') })),
        () => encodePdu('outbind', seq, { system_id: 'a', password: 'b' }),
        () => encodePdu('alert_notification', seq, { source_addr_ton: 0, source_addr_npi: 0, source_addr: '1', esme_addr_ton: 0, esme_addr_npi: 0, esme_addr: '2' }),
        () => encodePdu('deliver_sm_resp', seq, { message_id: '' }),
        () => encodePdu('query_sm', seq, { message_id: '1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' }),
      ];
      return { kind: 'wrong-state', pdu: choices[Math.floor(rnd() * choices.length)]!() };
    }
    default: {
      const base = encodePdu('submit_sm', seq, submitFields({ short_message: Buffer.from('t') }));
      const tail = [randBytes(1 + Math.floor(rnd() * 3)), Buffer.from('0424ffff', 'hex'), Buffer.from('020e00020101', 'hex'), Buffer.from('001e000141', 'hex')][Math.floor(rnd() * 4)]!;
      return { kind: 'bad-tlv', pdu: withLength(Buffer.concat([base, tail])) };
    }
  }
}

/** Something that breaks framing: the server answers generic_nack ESME_RINVCMDLEN (or nothing) and closes. */
function fatal(rnd: () => number, seq: number): Buffer {
  const pick = Math.floor(rnd() * 3);
  if (pick === 0) return header(Math.floor(rnd() * 16), 0x04, seq);
  if (pick === 1) return Buffer.concat([header(70_001 + Math.floor(rnd() * 30_000), 0x04, seq), Buffer.alloc(64)]);
  const n = 4 + Math.floor(rnd() * 64);
  const b = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  b.writeUInt32BE(100_000, 0); // "a header claiming 100000 bytes"
  return b;
}

function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.on('error', () => undefined); // EPIPE / ECONNRESET once the server has closed this connection
      resolve(s);
    });
    s.once('error', reject);
    s.on('data', () => undefined); // read and discard every response
  });
}

test('fuzz: 10,000+ malformed PDUs on many connections while a good ESME submits and receives without loss', { timeout: 60_000 }, async (t) => {
  const seed = Number(process.env.SMPP_FUZZ_SEED ?? Date.now() % 1_000_000);
  t.diagnostic(`seed ${seed} (SMPP_FUZZ_SEED=${seed} to repeat)`);
  const started = Date.now();
  const { server, backend, port, stop } = await startSmsc({ responseTimeoutMs: 3000, bindTimeoutMs: 5000, windowSize: 50 }, [
    { systemId: 'good', password: 'secret' },
    { systemId: 'fuzz', password: 'x' },
  ]);
  try {
    // ---- the well-behaved ESME: smpp.connect, transceiver
    const good: Session = smpp.connect({ host: '127.0.0.1', port });
    const goodErrors: unknown[] = [];
    good.on('error', (e) => goodErrors.push(e));
    const moTexts: string[] = [];
    good.on('deliver_sm', (pdu: PduInstance) => {
      const sm = pdu.short_message as { message?: unknown };
      moTexts.push(typeof sm?.message === 'string' ? sm.message : String(sm?.message));
      good.send(pdu.response());
    });
    good.on('enquire_link', (pdu: PduInstance) => good.send(pdu.response()));
    await new Promise<void>((resolve, reject) => {
      good.once('connect', () => {
        (good.bind_transceiver as (o: object, cb: (p: PduInstance) => void) => void)({ system_id: 'good', password: 'secret', interface_version: 0x34 }, (p) =>
          p.command_status === 0 ? resolve() : reject(new Error(`good bind failed: ${p.command_status}`)),
        );
      });
    });

    const submitStatuses: number[] = [];
    const submitGood = async (): Promise<void> => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < GOOD_SUBMITS) {
          const i = next++;
          const status = await new Promise<number>((resolve) => {
            (good.submit_sm as (o: object, cb: (p: PduInstance) => void) => void)(
              { destination_addr: '4917000001', source_addr: '4930123456', source_addr_ton: 1, source_addr_npi: 1, dest_addr_ton: 1, dest_addr_npi: 1, data_coding: 0, short_message: `good message ${i} @£` },
              (p) => resolve(p.command_status),
            );
          });
          submitStatuses.push(status);
        }
      };
      await Promise.all(Array.from({ length: 8 }, () => worker()));
    };
    const expectedMo = new Set<string>();
    const feedMo = async (): Promise<void> => {
      for (let i = 0; i < GOOD_MO; i++) {
        const text = i % 3 === 0 ? `MO ${i} Привет` : `MO ${i} hello`;
        expectedMo.add(text);
        backend.addMo('good', text);
        if (i % 10 === 9) {
          server.notify();
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      server.notify();
    };

    // ---- the adversaries
    let sent = 0;
    const kinds = new Map<string, number>();
    const fuzzWorker = async (w: number): Promise<void> => {
      const rnd = prng(seed * 31 + w);
      let seq = 1;
      while (sent < TOTAL_MALFORMED) {
        const s = await openRaw(port);
        const mode = Math.floor(rnd() * 4); // 0 unbound, 1-3 bound as tx / rx / trx
        if (mode > 0) {
          s.write(encodePdu(['bind_transmitter', 'bind_receiver', 'bind_transceiver'][mode - 1]!, seq++, { system_id: 'fuzz', password: 'x', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }));
        }
        const batch = 20 + Math.floor(rnd() * 130);
        const chunks: Buffer[] = [];
        for (let i = 0; i < batch && sent < TOTAL_MALFORMED; i++) {
          const { kind, pdu } = nonFatal(rnd, seq++);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          chunks.push(pdu);
          sent++;
        }
        // Written in random slices, so PDUs straddle TCP segments.
        const all = Buffer.concat(chunks);
        for (let p = 0; p < all.length; ) {
          const n = 1 + Math.floor(rnd() * 700);
          s.write(all.subarray(p, p + n));
          p += n;
        }
        if (rnd() < 0.7) {
          s.write(fatal(rnd, seq++));
          kinds.set('framing', (kinds.get('framing') ?? 0) + 1);
          sent++;
        }
        await new Promise<void>((resolve) => {
          const done = (): void => resolve();
          s.once('close', done);
          setTimeout(() => {
            s.destroy();
            done();
          }, 300);
        });
      }
    };

    await Promise.all([submitGood(), feedMo(), ...Array.from({ length: 4 }, (_, w) => fuzzWorker(w))]);
    await backend.waitFor(() => backend.deliveredItems.filter((d) => d.itemId.startsWith('item-')).length >= GOOD_MO, 15_000, 'all MO delivered to the good ESME');

    t.diagnostic(`malformed PDUs sent: ${sent} ${JSON.stringify(Object.fromEntries(kinds))}; ${Date.now() - started} ms`);
    const stats = server.stats();
    t.diagnostic(`server stats: ${JSON.stringify(stats)}`);
    assert.ok(sent >= 10_000);
    assert.equal(submitStatuses.length, GOOD_SUBMITS);
    assert.ok(submitStatuses.every((s) => s === 0), `good submits not all OK: ${submitStatuses.filter((s) => s !== 0).join(',')}`);
    const goodSubmits = backend.submits.filter((r) => r.session.systemId === 'good');
    assert.equal(goodSubmits.length, GOOD_SUBMITS);
    assert.deepEqual(new Set(goodSubmits.map((r) => r.text)), new Set(Array.from({ length: GOOD_SUBMITS }, (_, i) => `good message ${i} @£`)));
    assert.equal(moTexts.length, GOOD_MO, 'every MO reached the good ESME exactly once');
    assert.deepEqual(new Set(moTexts), expectedMo);
    assert.equal(goodErrors.length, 0);
    assert.equal(stats.totals.handlerErrors, 0, 'no handler threw');
    assert.ok(stats.totals.framingErrors > 0);
    assert.ok(stats.totals.nacked > 0);

    // ---- the server still takes new binds
    const fresh = await RawEsme.open({ port });
    assert.equal((await fresh.bind('transceiver', 'good', 'secret')).command_status, 0);
    assert.equal((await fresh.call('enquire_link')).command_status, 0);
    fresh.destroy();
    good.destroy();
  } finally {
    await stop();
  }
});
