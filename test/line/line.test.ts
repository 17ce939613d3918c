import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import type { Health, LineStatus } from '../../src/line/types.js';
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

function makeLine(modem: MiniModem, extra: Partial<ConstructorParameters<typeof Line>[0]> = {}) {
  const provider = new MiniModemProvider(modem);
  const line = new Line({ id: 1, port: provider, log: silentLogger(), timing: FAST, ...extra });
  return { line, provider };
}

test('a line brings its modem up: probe → enable → SIM ready → registered, with the §3.2.1 columns filled', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line } = makeLine(modem);
  const seen: string[] = [];
  line.on('lifecycle', (l) => seen.push(l));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered' && line.status().operator !== null);
    const s: LineStatus = line.status();
    // starts in probe; then each step once
    assert.deepEqual(seen.filter((x, i) => seen.indexOf(x) === i), ['enable', 'sim-ready', 'registered']);
    assert.equal(s.health, 'ok');
    assert.equal(s.slot, 'A');
    assert.equal(s.reg, '4G');
    assert.equal(s.signal, 25);
    assert.equal(s.signalDbm, -63);
    assert.equal(s.plmn, '46000');
    assert.equal(s.callState, 'IDLE');
    assert.equal(s.modem.family, 'quectel');
    assert.equal(s.modem.imei, '861234567890123');
    assert.equal(s.sim.iccid, '89860012345678901234');
    assert.equal(s.sim.imsi, '460001234567890');
    assert.equal(s.sim.number, '+8613800000001');
  } finally {
    await line.stop();
  }
});

test('a configured PIN unlocks the SIM; a refused PIN is never retried (no PUK lock-out)', async () => {
  const good = new MiniModem({ imei: '861234567890123', pin: '1234' });
  const a = makeLine(good, { pins: { A: '1234' } });
  a.line.start();
  const bad = new MiniModem({ imei: '861234567890124', pin: '1234' });
  const b = makeLine(bad, { pins: { A: '9999' } });
  b.line.start();
  try {
    await until('line A registered', () => a.line.status().lifecycle === 'registered');
    await until('line B sim-locked', () => b.line.status().health === 'sim-locked');
    await new Promise((r) => setTimeout(r, 400)); // several SIM retries pass
    assert.equal(bad.commands.filter((c) => c.startsWith('AT+CPIN=')).length, 1);
    assert.match(b.line.status().detail ?? '', /refused the configured PIN/);
    assert.ok(!JSON.stringify(b.line.status()).includes('9999'), 'the PIN is not in the status');
  } finally {
    await Promise.all([a.line.stop(), b.line.stop()]);
  }
});

test('no SIM, registration denied, and searching show as health', async () => {
  const cases: [Partial<ConstructorParameters<typeof MiniModem>[0]>, Health][] = [
    [{ simInserted: false }, 'no-sim'],
    [{ regStat: 3 }, 'denied'],
    [{ regStat: 2 }, 'searching'],
  ];
  for (const [o, want] of cases) {
    const { line } = makeLine(new MiniModem({ imei: '861234567890123', ...o }));
    line.start();
    try {
      await until(want, () => line.status().health === want);
      assert.equal(line.status().reg, 'N');
    } finally {
      await line.stop();
    }
  }
});

test('a modem with another IMEI than configured is refused', async () => {
  const { line } = makeLine(new MiniModem({ imei: '861234567890123' }), { imei: '861234567890999' });
  line.start();
  try {
    await until('refusal', () => /configured for IMEI 861234567890999/.test(line.status().detail ?? ''));
    assert.notEqual(line.status().lifecycle, 'registered');
  } finally {
    await line.stop();
  }
});

test('incoming call: RING/+CLIP → INCOMING, answer → CONNECTED, NO CARRIER → IDLE', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line } = makeLine(modem);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.port!.send('\r\nRING\r\n\r\n+CLIP: "+8613912345678",145,,,,0\r\n');
    await until('INCOMING', () => line.status().callState === 'INCOMING' && line.status().callNumber === '+8613912345678');
    await line.answer();
    assert.equal(line.status().callState, 'CONNECTED');
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('IDLE', () => line.status().callState === 'IDLE');
    assert.equal(line.status().idleMinutes, 0);
  } finally {
    await line.stop();
  }
});

test('DTMF: detectDtmf sends AT+QTONEDET=1; each +QTONEDET during the call is a call-dtmf of that call; none after its end', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line } = makeLine(modem);
  const keys: string[] = [];
  line.on('call-dtmf', (call, key) => keys.push(`${call.gsm.number} ${key}`));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.port!.send('\r\nRING\r\n\r\n+CLIP: "+8613912345678",145,,,,0\r\n');
    await until('INCOMING', () => line.status().callState === 'INCOMING');
    await line.detectDtmf();
    assert.ok(modem.commands.includes('AT+QTONEDET=1'));
    await line.answer();
    modem.port!.send('\r\n+QTONEDET: 49\r\n\r\n+QTONEDET: 35\r\n');
    await until('keys', () => keys.length === 2);
    assert.deepEqual(keys, ['+8613912345678 1', '+8613912345678 #']);
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('IDLE', () => line.status().callState === 'IDLE');
    modem.port!.send('\r\n+QTONEDET: 50\r\n');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(keys.length, 2);
  } finally {
    await line.stop();
  }
});

test('a RING alone starts the call without a number; the +CLIP that follows is announced as call-number once', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line } = makeLine(modem);
  const learned: Array<string | null> = [];
  const steps: string[] = [];
  line.on('call-number', (call) => learned.push(call.gsm.number));
  line.on('call', (step) => steps.push(`${step.from}>${step.to}:${step.call.gsm.number}`));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.port!.send('\r\nRING\r\n');
    await until('INCOMING', () => line.status().callState === 'INCOMING');
    assert.deepEqual(steps, ['IDLE>INCOMING:null']);
    modem.port!.send('\r\n+CLIP: "+8613912345678",145,,,,0\r\n\r\nRING\r\n\r\n+CLIP: "+8613912345678",145,,,,0\r\n');
    await until('number', () => learned.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(learned, ['+8613912345678'], 'announced once, not for the repeated +CLIP');
    modem.port!.send('\r\nNO CARRIER\r\n');
    await until('IDLE', () => line.status().callState === 'IDLE');
  } finally {
    await line.stop();
  }
});

test('a disabled line releases its modem and shows disabled; enabling brings it back', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line, provider } = makeLine(modem);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    line.setEnabled(false);
    await until('disabled', () => line.status().health === 'disabled');
    await until('port closed', () => modem.port?.closed === true);
    line.setEnabled(true);
    await until('registered again', () => line.status().lifecycle === 'registered' && line.status().health === 'ok');
    assert.equal(provider.opens, 2);
  } finally {
    await line.stop();
  }
});

test('a modem that vanishes (USB unplug) shows absent and is picked up again when it returns', async () => {
  const modem = new MiniModem({ imei: '861234567890123', bootMs: 400 });
  const { line } = makeLine(modem);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.powerCycle(); // port disappears; the device is back after 400 ms
    await until('absent', () => line.status().health === 'absent');
    await until('registered again', () => line.status().lifecycle === 'registered' && line.status().health === 'ok');
    assert.equal(line.status().resets, 0, 'a vanished port is not counted as an unresponsive-modem reset');
  } finally {
    await line.stop();
  }
});

test('a command that times out on a modem that still talks does not get the modem reset', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line, provider } = makeLine(modem);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.ignore.add('AT+CSQ');
    await new Promise((r) => setTimeout(r, 2500)); // > 3x unresponsiveAfterMs of the FAST timing
    assert.ok(modem.commands.filter((c) => c === 'AT+CSQ').length >= 3, 'polls went on');
    assert.equal(line.status().resets, 0);
    assert.deepEqual(provider.resets, []);
    assert.equal(line.status().lifecycle, 'registered');
  } finally {
    await line.stop();
  }
});

test('a hang while a slow non-network command (AT+CMGL, 30 s timeout) runs is still caught by the silence rule', async () => {
  const modem = new MiniModem({ imei: '861234567890123' });
  const { line, provider } = makeLine(modem);
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
    modem.hang();
    const t0 = Date.now();
    line.capability('sms').list(4).catch(() => {});
    await until('reset', () => provider.resets.length === 1, 5000);
    assert.ok(Date.now() - t0 < 2000, `caught after ${Date.now() - t0} ms (unresponsiveAfterMs 800, AT+CMGL timeout 30 s)`);
    await until('registered again', () => line.status().lifecycle === 'registered' && line.status().health === 'ok');
  } finally {
    await line.stop();
  }
});

test('a PIN entry that times out is not taken for a refused PIN: the PIN is tried again and the SIM unlocks', async () => {
  const modem = new MiniModem({ imei: '861234567890123', pin: '1234' });
  modem.ignore.add('AT+CPIN="1234"');
  const { line } = makeLine(modem, { pins: { A: '1234' } });
  line.start();
  try {
    await until('first PIN attempt', () => modem.commands.includes('AT+CPIN="1234"'));
    await new Promise((r) => setTimeout(r, 500));
    modem.ignore.clear();
    await until('registered', () => line.status().lifecycle === 'registered', 8000);
    assert.ok(modem.commands.filter((c) => c === 'AT+CPIN="1234"').length >= 2);
  } finally {
    await line.stop();
  }
});

test('a disabled line does not show its old registration', async () => {
  const { line } = makeLine(new MiniModem({ imei: '861234567890123' }));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered' && line.status().operator !== null);
    line.setEnabled(false);
    await until('disabled', () => line.status().health === 'disabled' && line.status().modem.port === null);
    const s = line.status();
    assert.equal(s.reg, 'N');
    assert.equal(s.operator, null);
    assert.equal(s.signal, 99);
    assert.notEqual(s.lifecycle, 'registered');
  } finally {
    await line.stop();
  }
});

test('a status listener that throws does not stop the line', async () => {
  const { line } = makeLine(new MiniModem({ imei: '861234567890123' }));
  line.on('status', () => {
    throw new Error('listener bug');
  });
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered');
  } finally {
    await line.stop();
  }
});
