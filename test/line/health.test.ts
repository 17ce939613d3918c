/**
 * Line health while the modem is not (yet) there to serve: a modem that never answers is never shown
 * `ok`, and a SIM slot change shows as `switching` (never `absent`) until the new card is ready. The
 * modems are the simulator's (modem-drivers/simulator), with its fault injection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';
import { HEALTH_VALUES, type Health } from '../../src/line/types.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { createSimSwitch } from '../../modem-drivers/sim-switch/index.js';
import { silentLogger } from '../../src/util/log.js';
import type { PortProvider } from '../../src/line/port-provider.js';

const FAST = { probeIntervalMs: 100, unresponsiveAfterMs: 600, commandTimeoutMs: 300, reopenDelayMs: 50, maxReopenDelayMs: 200, simRetryMs: 100, refreshEvery: 3 };

async function until(what: string, cond: () => boolean, timeoutMs = 8000, diag: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} ${diag()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every (health, detail) the line showed, in order, without repeats. */
function recordStatus(line: Line): { health: Health; detail: string | null }[] {
  const seen: { health: Health; detail: string | null }[] = [];
  line.on('status', () => {
    const s = line.status();
    const last = seen[seen.length - 1];
    if (!last || last.health !== s.health || last.detail !== s.detail) seen.push({ health: s.health, detail: s.detail });
  });
  return seen;
}

test('a modem that never answers is never shown ok: starting, then unresponsive with the attempt count between resets', async () => {
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const modem = sim.modem(1)!;
  modem.setHung(true); // the firmware answers nothing, not even AT
  const ports = new SimPortProvider(() => sim.modems, modem.imei);
  const resets: string[] = [];
  // A reset that does not help: the modem stays silent through every power-cycle.
  const provider: PortProvider = {
    describe: () => ports.describe(),
    open: (imei) => ports.open(imei),
    hardReset: async (reason) => {
      resets.push(reason);
      return 'power-cycled (the modem stays silent)';
    },
  };
  const line = new Line({ id: 1, port: provider, log: silentLogger(), timing: FAST });
  const seen = recordStatus(line);
  assert.equal(line.status().health, 'starting', 'before the first answer the line is not ok');
  line.start();
  try {
    await until('three resets', () => resets.length >= 3, 15_000);
    const healths = seen.map((x) => x.health);
    assert.ok(!healths.includes('ok'), `never ok while the modem has not answered: ${JSON.stringify(seen)}`);
    assert.equal(seen[0]!.health, 'starting');
    assert.ok(seen.some((x) => x.health === 'starting' && x.detail === 'waiting for the modem to answer'), JSON.stringify(seen));
    assert.ok(healths.includes('resetting'));
    const attempts = seen.filter((x) => x.health === 'unresponsive').map((x) => /^modem has not answered yet \(attempt (\d+)\)$/.exec(x.detail ?? '')?.[1]);
    assert.ok(attempts.length >= 2, `unresponsive between resets: ${JSON.stringify(seen)}`);
    assert.deepEqual(attempts, attempts.map((_, i) => String(i + 2)), 'the attempt count goes up by one per attempt');

    // Once it answers, the line comes up and only then shows ok.
    modem.setHung(false);
    await until('registered', () => line.status().lifecycle === 'registered', 10_000, () => JSON.stringify(line.status().detail));
    assert.equal(line.status().health, 'ok');
  } finally {
    await line.stop();
    sim.close();
  }
});

test('a hung modem nothing can power-cycle: the line says so while it probes, and drops that once the modem answers', async () => {
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const modem = sim.modem(1)!;
  const ports = new SimPortProvider(() => sim.modems, modem.imei);
  let resets = 0;
  // A serial port without a USB device or a reset command (a pty, a plain UART): hardReset can do nothing.
  const provider: PortProvider = {
    describe: () => ports.describe(),
    open: (imei) => ports.open(imei),
    hardReset: async () => {
      resets++;
      return null;
    },
  };
  const line = new Line({ id: 1, port: provider, log: silentLogger(), timing: FAST });
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered', 10_000);
    const seen = recordStatus(line);
    modem.setHung(true);
    await until('two resets', () => resets >= 2, 15_000, () => JSON.stringify(seen));
    const probes = seen.filter((x) => x.health === 'unresponsive' && x.detail?.startsWith('modem has not answered yet'));
    assert.ok(probes.length >= 1, JSON.stringify(seen));
    for (const p of probes) assert.match(p.detail!, /could not be power-cycled \(no USB device to re-authorise and no reset\.command configured\)$/);
    modem.setHung(false);
    await until('registered again', () => line.status().lifecycle === 'registered', 10_000, () => JSON.stringify(line.status().detail));
    assert.equal(line.status().health, 'ok');
    assert.ok(!/power-cycled/.test(line.status().detail ?? ''), String(line.status().detail));
  } finally {
    await line.stop();
    sim.close();
  }
});

test('a SIM slot change shows as switching, naming both slots, never absent, and ends ok on the new card', async () => {
  const sim = new Simulator({ modems: 1, timing: { bootMs: 300, registrationMs: 50 } });
  const modem = sim.modem(1)!;
  const sw = createSimSwitch({ backend: 'simulated', initial: 'A' }, { lineId: '1', onSelect: (slot) => modem.selectSlot(slot) });
  const line = new Line({ id: 1, port: new SimPortProvider(() => sim.modems, modem.imei), log: silentLogger(), timing: FAST, simSwitch: () => sw });
  line.start();
  try {
    await until('registered on A', () => line.status().lifecycle === 'registered' && line.status().slot === 'A');
    const seen = recordStatus(line);
    line.switchSlot('B');
    await until('registered on B', () => line.status().lifecycle === 'registered' && line.status().slot === 'B', 10_000, () => JSON.stringify(seen));
    const healths = seen.map((x) => x.health);
    assert.ok(!healths.includes('absent'), `never absent during the change: ${JSON.stringify(seen)}`);
    assert.equal(healths[0], 'switching');
    assert.deepEqual(
      [...new Set(seen.filter((x) => x.health === 'switching').map((x) => x.detail))],
      ['switching from SIM slot A to slot B'],
    );
    // switching, then ok: nothing else in between
    const firstOk = healths.indexOf('ok');
    assert.ok(firstOk > 0 && healths.slice(0, firstOk).every((h) => h === 'switching'), JSON.stringify(seen));
    assert.equal(line.status().health, 'ok');
    assert.equal(line.status().sim.imsi, sim.modem(1)!.slots()[1]!.sim!.imsi);
  } finally {
    await line.stop();
    sim.close();
  }
});

test('a slot change to an empty slot ends in the real error (no-sim), not in switching', async () => {
  const sim = new Simulator({ modems: 1, timing: { bootMs: 100, registrationMs: 50 } });
  const modem = sim.modem(1)!;
  modem.removeSim('C');
  const sw = createSimSwitch({ backend: 'simulated', initial: 'A' }, { lineId: '1', onSelect: (slot) => modem.selectSlot(slot) });
  const line = new Line({ id: 1, port: new SimPortProvider(() => sim.modems, modem.imei), log: silentLogger(), timing: FAST, simSwitch: () => sw });
  line.start();
  try {
    await until('registered on A', () => line.status().lifecycle === 'registered');
    const seen = recordStatus(line);
    line.switchSlot('C');
    await until('no-sim', () => line.status().health === 'no-sim', 10_000, () => JSON.stringify(seen));
    assert.equal(line.status().detail, 'no SIM in slot C');
    assert.ok(!seen.some((x) => x.health === 'absent'), JSON.stringify(seen));
  } finally {
    await line.stop();
    sim.close();
  }
});

test('a slot change that takes longer than its grace period shows the line as it is (absent)', async () => {
  const sim = new Simulator({ modems: 1, timing: { bootMs: 100, registrationMs: 50 } });
  const modem = sim.modem(1)!;
  const sw = createSimSwitch({ backend: 'simulated', initial: 'A' }, { lineId: '1', onSelect: (slot) => modem.selectSlot(slot) });
  const ports = new SimPortProvider(() => sim.modems, modem.imei);
  let gone = false;
  const provider: PortProvider = {
    describe: () => ports.describe(),
    open: async (imei) => {
      if (gone) throw new Error('/dev/ttySIM1: no such device');
      return ports.open(imei);
    },
    hardReset: () => ports.hardReset(),
  };
  const line = new Line({ id: 1, port: provider, log: silentLogger(), timing: { ...FAST, switchGraceMs: 500 }, simSwitch: () => sw });
  line.start();
  try {
    await until('registered on A', () => line.status().lifecycle === 'registered');
    gone = true; // the modem does not come back once the line lets go of it
    line.switchSlot('B');
    assert.equal(line.status().health, 'switching');
    await until('absent', () => line.status().health === 'absent', 5000);
    assert.match(line.status().detail ?? '', /modem not found/);
  } finally {
    await line.stop();
    sim.close();
  }
});

test('a disabled line asked to change slot stays disabled, and changes slot once enabled again', async () => {
  const sim = new Simulator({ modems: 1, timing: { bootMs: 100, registrationMs: 50 } });
  const modem = sim.modem(1)!;
  const sw = createSimSwitch({ backend: 'simulated', initial: 'A' }, { lineId: '1', onSelect: (slot) => modem.selectSlot(slot) });
  const line = new Line({ id: 1, port: new SimPortProvider(() => sim.modems, modem.imei), log: silentLogger(), timing: FAST, simSwitch: () => sw });
  line.start();
  try {
    await until('registered on A', () => line.status().lifecycle === 'registered');
    line.setEnabled(false);
    line.switchSlot('B');
    assert.equal(line.status().health, 'disabled');
    line.setEnabled(true);
    await until('registered on B', () => line.status().lifecycle === 'registered' && line.status().slot === 'B', 10_000);
    assert.equal(line.status().health, 'ok');
  } finally {
    await line.stop();
    sim.close();
  }
});

test('every health value is documented in docs/api.md', async () => {
  const { readFileSync } = await import('node:fs');
  const { repoRoot } = await import('../helpers/transcript.js');
  const { join } = await import('node:path');
  const doc = readFileSync(join(repoRoot(), 'docs', 'api.md'), 'utf8');
  for (const h of HEALTH_VALUES) assert.match(doc, new RegExp(`^\\| \`${h}\` \\|`, 'm'), `docs/api.md lists health ${h}`);
});
