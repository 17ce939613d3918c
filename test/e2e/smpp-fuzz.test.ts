/**
 * Acceptance (issue 5), fuzz through the whole daemon: more than 10,000 malformed or misplaced PDUs
 * (command_length from 0 to 100000, unknown command ids, truncated and random bodies, C-strings without
 * NULL, PDUs in the wrong bind state, submit before bind, bad binds, refused field values, random
 * octets; test/smpp/helpers/fuzz-pdus.ts) over many connections to the daemon's SMSC, while one
 * well-behaved ESME — the `smpp` package's client — submits 200 messages to the SIM of line 4 (with
 * receipts requested) and receives 50 SMS that the outside world sends to lines 1-3.
 *
 * The daemon runs in this process: no uncaught exception or unhandled rejection may happen, no SMSC
 * handler may throw, every good submit is answered ESME_ROK and ends in the outbox (and at the
 * destination SIM), every MO and every receipt reaches the good ESME exactly once, and the JSON API and
 * the SMSC still answer at the end.
 *
 * The fuzzers bind (when they do) as account "fuzz"; the daemon's strict SMS dial rules let only the
 * good ESME's destination through, so nothing they send becomes an SMS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import smpp, { type PduInstance, type Session } from 'smpp';
import { decodeGsm7, decodeUcs2 } from '../../src/gsm/index.js';
import { RawEsme } from '../smpp/helpers/raw-esme.js';
import { startSmppDaemon, until } from './helpers/smpp-daemon.js';
import { fuzzTally, runFuzzer } from '../smpp/helpers/fuzz-client.js';
import { prng } from '../smpp/helpers/fuzz-pdus.js';

const TOTAL_MALFORMED = 10_500;
const GOOD_SUBMITS = 200;
const GOOD_MO = 50;
const FUZZ_WORKERS = 4;

type Call = (o: object, cb: (p: PduInstance) => void) => void;

/**
 * Text of a deliver_sm. The smpp package decodes short_message (and message_payload) into
 * `{ message }`: a string for the codings it knows (it reads data_coding 0 as ASCII, right for the
 * ASCII texts used here), else the octets, decoded here.
 */
function deliverText(pdu: PduInstance): string {
  const field = (pdu.message_payload ?? pdu.short_message) as { message?: unknown } | string | Buffer | undefined;
  const v = typeof field === 'object' && field !== null && !Buffer.isBuffer(field) ? field.message : field;
  if (typeof v === 'string') return v;
  const b = Buffer.isBuffer(v) ? v : Buffer.alloc(0);
  return pdu.data_coding === 8 ? decodeUcs2(b) : decodeGsm7(b);
}

test('fuzz through the daemon: 10,000+ malformed PDUs while a good ESME submits 200 and receives 50 MO without loss', { timeout: 90_000 }, async (t) => {
  const seed = Number(process.env.SMPP_FUZZ_SEED ?? Date.now() % 1_000_000);
  t.diagnostic(`seed ${seed} (SMPP_FUZZ_SEED=${seed} to repeat)`);
  const started = Date.now();

  // The daemon is in this process: anything escaping its handlers would land here.
  const escaped: unknown[] = [];
  const onUncaught = (e: unknown): void => void escaped.push(e);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  t.after(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });

  const s = await startSmppDaemon({
    accounts: [
      { systemId: '1', password: 'secret', lines: [1, 2, 3] },
      { systemId: 'fuzz', password: 'x', perLineIds: false, receive: false },
    ],
    smpp: { windowSize: 50, responseTimeoutSec: 5 },
  });
  t.after(() => s.stop());
  const [l1, l2, l3, l4] = s.lines as [(typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0], (typeof s.lines)[0]];
  // Only the good destination may be texted (manual appendix E, strict mode: the whole number must match).
  await s.d.config.update((doc) => {
    const d = doc as { sms?: Record<string, unknown> };
    d.sms = { ...(d.sms ?? {}), dialRules: `${l4.number}:`, strictDialRules: true };
  });

  // ---- the well-behaved ESME: the smpp package's client, transceiver, account "1"
  const good: Session = smpp.connect({ host: '127.0.0.1', port: s.smppPort });
  t.after(() => good.destroy());
  const goodErrors: unknown[] = [];
  good.on('error', (e) => goodErrors.push(e));
  const moTexts: string[] = [];
  const receipts: string[] = [];
  good.on('deliver_sm', (pdu: PduInstance) => {
    if ((Number(pdu.esm_class) & 0x3c) === 0x04) receipts.push(String(pdu.receipted_message_id ?? ''));
    else moTexts.push(deliverText(pdu));
    good.send(pdu.response());
  });
  good.on('enquire_link', (pdu: PduInstance) => good.send(pdu.response()));
  good.on('unbind', (pdu: PduInstance) => good.send(pdu.response())); // the daemon unbinds when it stops
  await new Promise<void>((resolve, reject) => {
    good.once('connect', () => {
      (good.bind_transceiver as Call)({ system_id: '1', password: 'secret', interface_version: 0x34 }, (p) =>
        p.command_status === 0 ? resolve() : reject(new Error(`good bind failed: ${p.command_status}`)),
      );
    });
  });

  const submitted = new Map<string, string>(); // message id -> text
  const submitStatuses: number[] = [];
  const submitGood = async (): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < GOOD_SUBMITS) {
        const i = next++;
        const text = `good message ${i} via the daemon`;
        const p = await new Promise<PduInstance>((resolve) => {
          (good.submit_sm as Call)(
            { destination_addr: l4.number.slice(1), source_addr: '4930123456', source_addr_ton: 1, source_addr_npi: 1, dest_addr_ton: 1, dest_addr_npi: 1, registered_delivery: 1, data_coding: 0, short_message: Buffer.from(text) },
            resolve,
          );
        });
        submitStatuses.push(p.command_status);
        if (p.command_status === 0) submitted.set(String(p.message_id), text);
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => worker()));
  };

  // ---- the outside world texts lines 1-3
  const mos: string[] = [];
  const feedMo = async (): Promise<void> => {
    const targets = [l1, l2, l3];
    for (let i = 0; i < GOOD_MO; i++) {
      const text = i % 3 === 0 ? `MO ${i} Привет` : `MO ${i} hello`;
      mos.push(text);
      await s.smsFromOutside(`+86139123${String(i).padStart(5, '0')}`, targets[i % 3]!.number, text);
      await new Promise((r) => setTimeout(r, 40));
    }
  };

  // ---- the adversaries
  const tally = fuzzTally();

  await Promise.all([submitGood(), feedMo(), ...Array.from({ length: FUZZ_WORKERS }, (_, w) => runFuzzer({ port: s.smppPort, rnd: prng(seed * 31 + w), total: TOTAL_MALFORMED, tally, systemId: 'fuzz', password: 'x' }))]);
  const fuzzDone = Date.now();
  t.diagnostic(`malformed PDUs sent: ${tally.sent} ${JSON.stringify(Object.fromEntries(tally.kinds))}; ${fuzzDone - started} ms`);

  // Every good submit answered ESME_ROK with its own id.
  assert.ok(tally.sent >= 10_000);
  assert.equal(submitStatuses.length, GOOD_SUBMITS);
  assert.deepEqual(submitStatuses.filter((x) => x !== 0), [], 'good submits not all OK');
  assert.equal(submitted.size, GOOD_SUBMITS);

  const diag = async (): Promise<string> =>
    JSON.stringify({ mo: moTexts.length, receipts: receipts.length, smsc: s.d.messaging.smsc?.stats(), counts: s.d.messaging.store.counts() });
  // Every MO reached the good ESME; every message was delivered to the SIM of line 4 and its receipt came back.
  await until(() => moTexts.length >= GOOD_MO && receipts.length >= GOOD_SUBMITS, 40_000, 'all MO and receipts at the good ESME', diag);
  t.diagnostic(`every MO and receipt at the good ESME ${Date.now() - fuzzDone} ms after the fuzzers stopped`);
  await new Promise((r) => setTimeout(r, 300)); // anything sent twice would arrive now
  assert.equal(moTexts.length, GOOD_MO, 'every MO exactly once');
  assert.deepEqual([...moTexts].sort(), [...mos].sort());
  assert.equal(receipts.length, GOOD_SUBMITS, 'every receipt exactly once');
  assert.deepEqual(new Set(receipts), new Set(submitted.keys()));

  // The outbox holds the 200 messages of account "1", delivered, and nothing of the fuzzers.
  const outbox = await s.outbox();
  const mine = outbox.filter((m) => m.origin === 'smpp' && m.client === 'smpp:1');
  assert.equal(mine.length, GOOD_SUBMITS);
  assert.deepEqual(new Set(mine.map((m) => m.id)), new Set(submitted.keys()));
  for (const m of mine) {
    assert.equal(m.text, submitted.get(m.id));
    assert.equal(m.status, 'delivered', JSON.stringify(m));
  }
  assert.equal(outbox.filter((m) => m.client === 'smpp:fuzz').length, 0, 'nothing the fuzzers sent became an SMS');
  const atSim = new Set((await s.simLog(l4.imsi)).received.map((e) => e.text));
  for (const text of submitted.values()) assert.ok(atSim.has(text), `not at the destination SIM: ${text}`);

  // Nothing escaped, no handler threw; the SMSC saw framing errors and answered with generic_nack.
  assert.deepEqual(escaped, [], 'uncaught exception or unhandled rejection in the daemon');
  assert.deepEqual(goodErrors, []);
  const stats = s.d.messaging.smsc!.stats();
  t.diagnostic(`SMSC stats: ${JSON.stringify(stats)}`);
  assert.equal(stats.totals.handlerErrors, 0, 'no SMSC handler threw');
  assert.ok(stats.totals.framingErrors > 0);
  assert.ok(stats.totals.nacked > 0);

  // Nothing left behind: the fuzzers' connections are all closed, nothing waits for delivery.
  await until(() => s.d.messaging.smsc!.stats().connections === 1, 5000, 'only the good connection left', diag);
  assert.deepEqual(s.d.messaging.store.counts().pendingDeliveries, {});

  // The daemon still serves: JSON API (every line still registered), SMSC binds and enquire_link.
  const lines = (await s.get<{ lines: Array<{ lifecycle: string; health: string }> }>('/api/lines')).lines;
  assert.deepEqual(lines.map((l) => [l.lifecycle, l.health]), Array.from({ length: 4 }, () => ['registered', 'ok']));
  assert.equal(await s.status('/api/sms/outbox?limit=1'), 200);
  assert.equal(await s.status('/api/smpp/sessions'), 200);
  const fresh = await RawEsme.open({ port: s.smppPort });
  t.after(() => fresh.destroy());
  assert.equal((await fresh.bind('transmitter', '1', 'secret')).command_status, 0);
  assert.equal((await fresh.call('enquire_link')).command_status, 0);
  assert.equal((await fresh.call('unbind')).command_status, 0);
  t.diagnostic(`fuzz through the daemon: ${Date.now() - started} ms`);
});
