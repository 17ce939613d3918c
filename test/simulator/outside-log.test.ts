/**
 * The outside world's SMS log keeps only its latest parts; a reader that counts every SMS the SIMs sent
 * out (the soak's loss count) pages through it by part number as it grows (GET /outside/sms?after=N),
 * and is told when parts were dropped before it read them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutsideWorld, type OutsideHost } from '../../modem-drivers/simulator/network/outside-world.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { startControlApi } from '../../modem-drivers/simulator/control-api.js';

const host = {} as OutsideHost; // no calls or SMS towards SIMs here
const part = (text: string) => ({ time: 0, from: '+86138000101', to: '+8613900000000', text, encoding: 'gsm7' as const, mr: 0, statusReportRequested: false, tpdu: '' });

test('a reader that pages by part number sees every part once, past the log limit', () => {
  const outside = new OutsideWorld(host, [], 1000);
  const seen: string[] = [];
  let cursor = 0;
  for (let i = 1; i <= 1500; i++) {
    outside.record(part(`m${i}`));
    if (i % 300 === 0) {
      const parts = outside.partsAfter(cursor);
      assert.ok((outside.inbox[0]?.seq ?? 1) <= cursor + 1, 'nothing dropped unread');
      seen.push(...parts.map((p) => p.text));
      cursor = outside.recordedParts;
    }
  }
  assert.equal(outside.inbox.length, 1000, 'the log still keeps the latest 1000');
  assert.deepEqual(seen, Array.from({ length: 1500 }, (_, i) => `m${i + 1}`));
  assert.deepEqual(outside.partsAfter(1500), []);
});

test('GET /outside/sms?after=N: the parts after N, and oldestSeq above N + 1 when parts were dropped unread', async () => {
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const api = await startControlApi(sim, { port: 0 });
  try {
    for (let i = 1; i <= 1200; i++) sim.network.outside.record(part(`m${i}`));
    const get = async (q: string) => (await fetch(`${api.url}/outside/sms${q}`)).json() as Promise<{ parts: { seq: number; text: string }[]; messages: { text: string }[]; lastSeq: number; oldestSeq: number }>;
    const late = await get('?after=100');
    assert.equal(late.oldestSeq, 201, 'parts 101-200 were dropped before this reader read them');
    assert.equal(late.lastSeq, 1200);
    assert.equal(late.parts.length, 1000);
    const tail = await get('?after=1190');
    assert.deepEqual(tail.parts.map((p) => p.seq), [1191, 1192, 1193, 1194, 1195, 1196, 1197, 1198, 1199, 1200]);
    assert.deepEqual(tail.messages.map((m) => m.text), tail.parts.map((p) => p.text));
    const all = await get('');
    assert.equal(all.parts.length, 1000);
    assert.equal((await fetch(`${api.url}/outside/sms?after=x`)).status, 400);
  } finally {
    await api.close();
    sim.close();
  }
});
