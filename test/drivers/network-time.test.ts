import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCclk } from '../../modem-drivers/generic/parse.js';
import { openModem } from '../../modem-drivers/modem.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { AtChannel } from '../../src/at/channel.js';
import { SimPolicy } from '../../src/line/sim-policy.js';
import { CounterStore } from '../../src/store/counter-store.js';
import { defaultPolicyConfig } from '../../src/policy/index.js';
import { silentLogger } from '../../src/util/log.js';

test('parseCclk: TS 27.007 §8.15 local time with the zone in quarter hours; an unset clock is null', () => {
  assert.deepEqual(parseCclk('+CCLK: "26/11/22,16:27:31+32"'), { utcMs: Date.UTC(2026, 10, 22, 8, 27, 31), tzMinutes: 480 });
  assert.deepEqual(parseCclk('+CCLK: "26/01/05,01:00:00-20"'), { utcMs: Date.UTC(2026, 0, 5, 6, 0, 0), tzMinutes: -300 });
  assert.equal(parseCclk('+CCLK: "80/01/06,00:19:44+00"'), null, 'power-on default of the RTC');
  assert.equal(parseCclk('+CCLK: "26/13/01,00:00:00+00"'), null);
  assert.equal(parseCclk('+CSQ: 20,99'), undefined);
});

test('a simulated modem reports the network time once registered; before that, its unset clock', async () => {
  const sim = new Simulator({ modems: 1, timing: 'zero' });
  const ch = new AtChannel(sim.modems[0]!.open(), { log: silentLogger() });
  const d = openModem('quectel', ch, { log: silentLogger() });
  try {
    await d.init();
    for (let i = 0; i < 100 && !sim.modems[0]!.status().registration.state.match(/home|roaming/); i++) await new Promise((r) => setTimeout(r, 5));
    const t = await d.netreg.networkTime();
    assert.ok(t);
    assert.equal(t.tzMinutes, 480);
    assert.ok(Math.abs(t.utcMs - Date.now()) < 5000, `network time ${new Date(t.utcMs).toISOString()}`);
  } finally {
    await ch.close();
    sim.close();
  }
});

test('with the system clock not set, the SIM policy trusts the network time (NITZ) and follows it', () => {
  const store = CounterStore.open(mkdtempSync(join(tmpdir(), 'cg-nitz-')));
  const board = Date.UTC(1970, 0, 1, 0, 5); // a board without RTC, before NTP
  const p = new SimPolicy({ config: defaultPolicyConfig(), store, log: silentLogger(), now: () => board });
  try {
    assert.equal(p.snapshot().timeTrusted, false);
    p.networkTime('1', Date.UTC(2026, 10, 22, 8, 0, 0));
    assert.equal(p.snapshot().timeTrusted, true);
    assert.match(p.snapshot().timeSource ?? '', /network time \(NITZ\) from line 1/);
  } finally {
    p.stop();
    store.close();
  }
});
