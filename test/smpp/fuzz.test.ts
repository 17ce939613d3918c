/**
 * Fuzz: more than 10,000 malformed PDUs over many connections (command_length from 0 to 100000, unknown
 * command ids, truncated bodies, random bodies, C-strings without NULL, valid PDUs in the wrong bind state,
 * submit_sm before bind, bad binds, refused field values, random byte streams; helpers/fuzz-pdus.ts, shared
 * with the end-to-end fuzz test) while one well-behaved ESME — the `smpp` package's own
 * client (smpp.connect) — keeps submitting and receiving deliver_sm. The good session must lose nothing,
 * no handler may throw, and the server must still accept binds at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import smpp, { type PduInstance, type Session } from 'smpp';
import { fuzzTally, runFuzzer } from './helpers/fuzz-client.js';
import { prng } from './helpers/fuzz-pdus.js';
import { RawEsme } from './helpers/raw-esme.js';
import { startSmsc } from './helpers/start.js';

const TOTAL_MALFORMED = 10_500;
const GOOD_SUBMITS = 400;
const GOOD_MO = 200;

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

    // ---- the adversaries (test/smpp/helpers/fuzz-pdus.ts)
    const tally = fuzzTally();

    await Promise.all([submitGood(), feedMo(), ...Array.from({ length: 4 }, (_, w) => runFuzzer({ port, rnd: prng(seed * 31 + w), total: TOTAL_MALFORMED, tally, systemId: 'fuzz', password: 'x' }))]);
    await backend.waitFor(() => backend.deliveredItems.filter((d) => d.itemId.startsWith('item-')).length >= GOOD_MO, 15_000, 'all MO delivered to the good ESME');

    t.diagnostic(`malformed PDUs sent: ${tally.sent} ${JSON.stringify(Object.fromEntries(tally.kinds))}; ${Date.now() - started} ms`);
    const stats = server.stats();
    t.diagnostic(`server stats: ${JSON.stringify(stats)}`);
    assert.ok(tally.sent >= 10_000);
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
