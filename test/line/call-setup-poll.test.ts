/**
 * The faster +CLCC poll while an outgoing call rings (src/line/call-setup-poll.ts): on a generic modem
 * (no answer URC) the answer is seen within the set-up period, not at the next status poll; it stops at
 * its bound; a Quectel modem that took AT+QINDCFG="ccinfo" gets no extra polling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import { silentLogger } from '../../src/util/log.js';
import { MiniModem, MiniModemProvider } from '../helpers/mini-modem.js';

/** A status poll far slower than the set-up poll, so that only the latter can see the answer in time. */
const TIMING = { probeIntervalMs: 3000, unresponsiveAfterMs: 10_000, commandTimeoutMs: 300, reopenDelayMs: 50, simRetryMs: 100, refreshEvery: 3, callSetupPollMs: 100 };

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALERTING = '+CLCC: 1,0,3,0,0,"10086",129';
const ACTIVE = '+CLCC: 1,0,0,0,0,"10086",129';

async function startLine(family: 'generic' | 'quectel', timing: Partial<typeof TIMING> & { callSetupPollMaxMs?: number } = {}) {
  const modem = new MiniModem({ imei: '861234567890123' });
  const line = new Line({ id: 3, port: new MiniModemProvider(modem), log: silentLogger(), family, timing: { ...TIMING, ...timing } });
  line.start();
  await until('registered', () => line.status().lifecycle === 'registered');
  return { modem, line, clccCount: () => modem.commands.filter((c) => c.toUpperCase() === 'AT+CLCC').length };
}

test('generic modem: the answer of a ringing call is seen within the set-up poll period, not at the 3 s status poll', async () => {
  const { modem, line } = await startLine('generic');
  try {
    modem.clcc = [ALERTING];
    await line.dial('10086');
    await until('alerting', () => line.status().callState === 'ALERTING', 1000);
    modem.clcc = [ACTIVE];
    const answeredAt = Date.now();
    await until('connected', () => line.status().callState === 'CONNECTED', 1000);
    assert.ok(Date.now() - answeredAt < 1000, 'well before the next status poll');
  } finally {
    await line.stop();
  }
});

test('generic modem: the set-up poll stops at its bound while the call keeps ringing', async () => {
  const { modem, line, clccCount } = await startLine('generic', { callSetupPollMaxMs: 300 });
  try {
    modem.clcc = [ALERTING];
    const before = clccCount();
    await line.dial('10086');
    await sleep(450);
    const atBound = clccCount();
    assert.ok(atBound - before >= 2, `polled during the bound (${atBound - before} readings)`);
    await sleep(600);
    assert.ok(clccCount() - atBound <= 1, 'no set-up polling after the bound (the status poll is 3 s away)');
    assert.equal(line.status().callState, 'ALERTING');
  } finally {
    await line.stop();
  }
});

test('Quectel modem that took AT+QINDCFG="ccinfo": no extra +CLCC polling while the call rings', async () => {
  const { modem, line, clccCount } = await startLine('quectel');
  try {
    assert.ok(modem.commands.includes('AT+QINDCFG="ccinfo",1,0'), 'the call state URCs were enabled');
    modem.clcc = [ALERTING];
    const before = clccCount();
    await line.dial('10086');
    await sleep(600);
    assert.ok(clccCount() - before <= 1, 'at most the status poll read +CLCC');
  } finally {
    await line.stop();
  }
});
