/**
 * The SIM switch has one configuration schema (src/config/schema-sim-switch.ts): the daemon's
 * configuration and the SIM switch module accept and refuse the same values. What only the drivers
 * know (which family has a built-in dual-SIM command set) is a rule the daemon's wiring adds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateConfig } from '../../src/config/schema.js';
import { openConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { DUAL_SIM_COMMAND_SET_NAMES } from '../../src/config/schema-sim-switch.js';
import { openDaemonConfig, validateDaemonConfig } from '../../src/wiring/daemon-config.js';
import { DUAL_SIM_FAMILIES, parseSimSwitchConfig } from '../../modem-drivers/sim-switch/index.js';
import { silentLogger } from '../../src/util/log.js';
import { tempDir } from '../config/temp-dir.js';

const COMMANDS = { name: 'x', select: 'AT+X={value}', query: 'AT+X?', prefix: '+X:', values: { A: '0', B: '1' } };

test('the configuration names exactly the built-in dual-SIM command sets the drivers have', () => {
  assert.deepEqual([...DUAL_SIM_COMMAND_SET_NAMES].sort(), Object.keys(DUAL_SIM_FAMILIES).sort());
});

test('the configuration and the SIM switch module accept and refuse the same simSwitch values', () => {
  const values: unknown[] = [
    { backend: 'none' },
    { backend: 'none', extra: 1 },
    { backend: 'simulated', slots: ['A', 'B'], initial: 'B' },
    { backend: 'simulated', initial: 'E' },
    { backend: 'gpio', lines: [17, 27] },
    { backend: 'gpio', lines: [5, 5] },
    { backend: 'gpio', chip: 'spi0', lines: [1, 2] },
    { backend: 'serial', port: '/dev/ttyS1', template: 'SIM {line} {slot}\\r\\n', expect: '^OK' },
    { backend: 'serial', port: '/dev/ttyS1', template: 'SIM {nope}' },
    { backend: 'serial', port: '/dev/ttyS1', template: 'S', fail: '[' },
    { backend: 'serial', port: 'ttyS1', template: 'S' },
    { backend: 'dual-sim', family: 'quectel' },
    { backend: 'dual-sim', commands: COMMANDS },
    { backend: 'dual-sim', family: 'quectel', commands: COMMANDS },
    { backend: 'dual-sim', commands: { ...COMMANDS, select: 'AT+X={value}\rAT+CFUN=0' } },
    { backend: 'dual-sim', commands: { ...COMMANDS, values: { A: '1', B: '1' } } },
    { backend: 'relay' },
  ];
  for (const simSwitch of values) {
    const inConfig = validateConfig({ lines: [{ port: '/dev/a', simSwitch }] }).ok;
    const inModule = parseSimSwitchConfig(simSwitch).ok;
    assert.equal(inModule, inConfig, `${JSON.stringify(simSwitch)}: configuration ${inConfig ? 'accepts' : 'refuses'}, module ${inModule ? 'accepts' : 'refuses'}`);
  }
});

test('a dual-SIM switch with no command set on a SIMCom line: the configuration alone accepts it, the daemon refuses it on opening', async (t) => {
  const doc = { lines: [{ port: '/dev/null', family: 'simcom', simSwitch: { backend: 'dual-sim' } }] };
  assert.equal(validateConfig(doc).ok, true);
  const r = validateDaemonConfig(doc);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.errors[0]!.message, /^missing; SIMCom modems have no built-in dual-SIM command/);

  const file = path.join(tempDir(t), 'config.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  await assert.rejects(
    openDaemonConfig({ file, log: silentLogger() }),
    (e: unknown) => e instanceof ConfigError && e.errors.some((x) => x.path === 'lines[0].simSwitch.commands'),
  );
  const plain = await openConfig({ file, log: silentLogger() });
  assert.equal(plain.get().lines[0]!.simSwitch.backend, 'dual-sim');
});

test('the daemon refuses an update that gives a SIMCom line a dual-SIM switch without commands, and keeps the file', async (t) => {
  const file = path.join(tempDir(t), 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: '/dev/null', family: 'simcom' }] }));
  const store = await openDaemonConfig({ file, log: silentLogger() });
  const before = fs.readFileSync(file, 'utf8');
  await assert.rejects(
    store.update((doc) => {
      (doc as { lines: { simSwitch?: unknown }[] }).lines[0]!.simSwitch = { backend: 'dual-sim' };
    }),
    (e: unknown) => e instanceof ConfigError && e.errors.some((x) => x.path === 'lines[0].simSwitch.commands'),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), before);
});
