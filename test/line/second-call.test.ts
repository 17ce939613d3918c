/**
 * A line's second call (call waiting, TS 27.007 §7.12/§7.13) against a MiniModem: +CCWA starts a
 * waiting call published as 'call-waiting' and 'call' steps with `waiting`; AT+CHLD=2 accepts it; with
 * two calls a NO CARRIER ends the one AT+CLCC no longer lists; a hang-up ends both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import type { LineCallEvent } from '../../src/events.js';
import type { Call } from '../../src/call/call.js';
import { silentLogger } from '../../src/util/log.js';
import { MiniModem, MiniModemProvider } from '../helpers/mini-modem.js';

const FAST = { probeIntervalMs: 100, unresponsiveAfterMs: 800, commandTimeoutMs: 300, reopenDelayMs: 50, simRetryMs: 100, refreshEvery: 3 };
const FIRST = '+8613900000001';
const SECOND = '+8613900000002';
const row = (i: number, stat: number, n: string) => `+CLCC: ${i},1,${stat},0,0,"${n}",145`;

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function connectedLine() {
  const modem = new MiniModem({ imei: '861234567890123' });
  const line = new Line({ id: 1, port: new MiniModemProvider(modem), log: silentLogger(), timing: FAST });
  const steps: LineCallEvent[] = [];
  const waiting: Call[] = [];
  line.on('call', (s) => steps.push(s));
  line.on('call-waiting', (c) => waiting.push(c));
  line.start();
  await until('registered', () => line.status().lifecycle === 'registered');
  modem.port!.send(`\r\nRING\r\n\r\n+CLIP: "${FIRST}",145,,,,0\r\n`);
  await until('INCOMING', () => line.status().callState === 'INCOMING');
  modem.clcc = [row(1, 0, FIRST)];
  await line.answer();
  return { modem, line, steps, waiting };
}

test('+CCWA → a waiting call; AT+CHLD=2 accepts it; its NO CARRIER ends it alone; the next ends the first', async () => {
  const { modem, line, steps, waiting } = await connectedLine();
  try {
    assert.equal(line.canWaitCalls(), true, 'the Quectel family has call waiting');
    modem.clcc = [row(1, 0, FIRST), row(2, 5, SECOND)];
    modem.port!.send(`\r\n+CCWA: "${SECOND}",145,1\r\n`);
    await until('call-waiting', () => waiting.length === 1);
    const second = waiting[0]!;
    assert.equal(second.gsm.number, SECOND);
    assert.equal(second.direction, 'in');
    assert.deepEqual(steps.filter((s) => s.waiting).map((s) => [s.from, s.to]), [['IDLE', 'INCOMING']]);
    modem.clcc = [row(1, 1, FIRST), row(2, 0, SECOND)];
    await line.holdCalls('hold-active');
    assert.equal(second.state, 'CONNECTED');
    modem.clcc = [row(1, 1, FIRST)];
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('the second ended', () => second.ended);
    assert.equal(line.status().callState, 'CONNECTED', 'the first call is still up');
    assert.equal(steps.filter((s) => s.waiting && s.to === 'IDLE').length, 1);
    modem.clcc = [];
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('the first ended', () => line.status().callState === 'IDLE');
  } finally {
    await line.stop();
  }
});

test('the first caller hangs up while the second waits: the first ends, the second stays; a hang-up ends it', async () => {
  const { modem, line, waiting } = await connectedLine();
  try {
    modem.clcc = [row(1, 0, FIRST), row(2, 5, SECOND)];
    modem.port!.send(`\r\n+CCWA: "${SECOND}",145,1\r\n`);
    await until('call-waiting', () => waiting.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    modem.clcc = [row(2, 4, SECOND)];
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('the first ended', () => line.status().callState === 'IDLE');
    assert.equal(waiting[0]!.ended, false);
    await line.hangup();
    assert.equal(waiting[0]!.ended, true);
  } finally {
    await line.stop();
  }
});

test('a +CCWA while the line is idle is not a second call', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const line = new Line({ id: 1, port: new MiniModemProvider(modem), log: silentLogger(), timing: FAST });
  const waiting: Call[] = [];
  line.on('call-waiting', (c) => waiting.push(c));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.port!.send(`\r\n+CCWA: "${SECOND}",145,1\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(waiting, []);
  } finally {
    await line.stop();
  }
});
