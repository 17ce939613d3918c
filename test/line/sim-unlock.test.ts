/**
 * PIN/PUK entry by an operator (Line.unlockSim) against the simulated modem's SIM state machine
 * (TS 31.102 retry counters: 3 PINs, then PUK): a wrong PIN is refused and counts, the third locks
 * the card behind its PUK, a PIN is then the wrong kind of code, the PUK with a new PIN unlocks it and
 * the line goes on to register. No code reaches the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { Line } from '../../src/line/line.js';
import { createLogger } from '../../src/util/log.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';

const FAST = { probeIntervalMs: 100, unresponsiveAfterMs: 2000, commandTimeoutMs: 1000, reopenDelayMs: 50, simRetryMs: 5000, refreshEvery: 3 };

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('PIN and PUK entered by an operator: refused, locked behind the PUK, unlocked with a new PIN; the line then registers', async () => {
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const modem = sim.modems[0]!;
  const card = modem.slots().find((s) => s.slot === 'A')!.sim!;
  modem.insertSim('A', { ...card, pin: '4321', puk: '87654321' });
  const logs: string[] = [];
  const log = createLogger({ level: 'trace', destination: new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString('utf8')), cb()) }) });
  const line = new Line({ id: 1, port: new SimPortProvider(() => sim.modems, modem.imei), log, timing: FAST });
  line.start();
  try {
    await until('sim-locked', () => line.status().health === 'sim-locked');
    assert.deepEqual(await line.unlockSim({ pin: '0000' }), { outcome: 'refused', state: 'SIM PIN' });
    assert.deepEqual(await line.unlockSim({ pin: '0001' }), { outcome: 'refused', state: 'SIM PIN' });
    // The third wrong PIN blocks it: the modem announces +CPIN: SIM PUK and the line reads the card again.
    assert.equal((await line.unlockSim({ pin: '0002' }))?.outcome, 'refused');
    await until('PUK shown', () => /SIM PUK/.test(line.status().detail ?? ''));
    assert.deepEqual(await line.unlockSim({ pin: '4321' }), { outcome: 'wrong-state', state: 'SIM PUK' }, 'no PIN is sent to a card that wants its PUK');
    assert.deepEqual(await line.unlockSim({ puk: '1234567' + '0', newPin: '2468' }).then((r) => r?.outcome), 'refused');
    assert.equal((await line.unlockSim({ puk: '87654321', newPin: '2468' }))?.outcome, 'unlocked');
    // simRetryMs is 5 s: registering well before shows the unlock woke the line.
    await until('registered', () => line.status().lifecycle === 'registered', 4000);
    assert.deepEqual(await line.unlockSim({ pin: '2468' }), { outcome: 'wrong-state', state: 'READY' });
    const all = logs.join('');
    for (const code of ['0000', '0001', '0002', '4321', '12345670', '87654321', '2468']) assert.ok(!all.includes(`"${code}"`), `code ${code} in the log`);
    assert.match(all, /SIM unlock by an operator/);
  } finally {
    await line.stop();
    sim.close();
  }
});
