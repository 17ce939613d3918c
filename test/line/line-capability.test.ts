/**
 * What a line lends to the features built on it (line.capability()), the data check on a family with no
 * HTTP client, and who asked for a call (line.dial's origin, carried by the Call).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import type { LineCallEvent } from '../../src/events.js';
import { silentLogger } from '../../src/util/log.js';
import { MiniModem, MiniModemProvider } from '../helpers/mini-modem.js';

const FAST = { probeIntervalMs: 100, unresponsiveAfterMs: 800, commandTimeoutMs: 300, reopenDelayMs: 50, simRetryMs: 100, refreshEvery: 3 };

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function makeLine(extra: Partial<ConstructorParameters<typeof Line>[0]> = {}) {
  const modem = new MiniModem({ imei: '861234567890123' });
  return new Line({ id: 7, port: new MiniModemProvider(modem), log: silentLogger(), timing: FAST, ...extra });
}

test('capabilities are lent only while the line is registered, with the reason otherwise', async () => {
  const line = makeLine();
  assert.throws(() => line.capability('sms'), /^Error: line 7 is not ready \(starting\)$/);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    const sms = line.capability('sms');
    assert.equal(typeof sms.send, 'function');
    assert.equal(typeof line.capability('ussd').send, 'function');
    assert.equal(typeof line.capability('dataCheck').httpCheck, 'function', 'a Quectel modem has an HTTP client');
    line.setEnabled(false);
    assert.throws(() => line.capability('sms'), /^Error: line 7 is not ready \(disabled: disabled by the operator\)$/);
  } finally {
    await line.stop();
  }
});

test('an optional capability the family lacks is named; the data check on it reports the missing HTTP client', async () => {
  const line = makeLine({ family: 'generic', dataCheck: { url: 'http://192.0.2.1/', intervalMinutes: 0 } });
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    assert.throws(() => line.capability('dataCheck'), /^Error: line 7's modem \(family generic\) has no dataCheck$/);
    assert.throws(() => line.capability('audio'), /has no audio$/);
    const r = await line.checkData();
    assert.equal(r.ok, false);
    assert.equal(r.url, 'http://192.0.2.1/');
    assert.equal(r.error, 'the generic driver has no built-in HTTP client (the data connectivity check needs a Quectel or SIMCom modem)');
    assert.deepEqual(line.status().dataCheck, r);
  } finally {
    await line.stop();
  }
});

test("a dial carries who asked for it as the Call's origin (default api)", async () => {
  const line = makeLine();
  const steps: LineCallEvent[] = [];
  line.on('call', (c) => steps.push(c));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    await line.dial('10086', { origin: 'api:alice' });
    // The modem lists no call on the next poll: the call ends.
    await until('ended', () => line.status().callState === 'IDLE');
    await line.dial('10010');
    await until('ended again', () => steps.filter((s) => s.to === 'IDLE').length === 2);
    const calls = [...new Set(steps.map((s) => s.call))];
    assert.deepEqual(calls.map((c) => [c.origin, c.direction, c.gsm.number, c.ended]), [
      ['api:alice', 'out', '10086', true],
      ['api', 'out', '10010', true],
    ]);
  } finally {
    await line.stop();
  }
});
