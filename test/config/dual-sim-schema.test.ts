/**
 * The `dual-sim` SIM switch in the daemon's configuration: the `family` and `commands` keys of
 * docs/sim-switch.md are accepted; a modem family without a built-in dual-SIM command (SIMCom, generic)
 * is refused by `config check` unless `commands` describes the firmware's command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateDaemonConfig as validateConfig, runDaemonConfigCheck as runConfigCheck } from '../../src/wiring/daemon-config.js';
import { formatFieldErrors } from '../../src/config/errors.js';
import { simSwitchConfigOf } from '../../src/line/sim-switch-config.js';
import { SimSwitchError, DUAL_SIM_FAMILIES } from '../../modem-drivers/sim-switch/index.js';
import { tempDir } from './temp-dir.js';

const COMMANDS = { name: 'vendor X', select: 'AT+XSIM={value}', query: 'AT+XSIM?', prefix: '+XSIM:', values: { A: '0', B: '1' } };

function errorsOf(line: unknown): string[] {
  const r = validateConfig({ lines: [line] });
  assert.equal(r.ok, false, `expected ${JSON.stringify(line)} to be rejected`);
  return r.ok ? [] : formatFieldErrors(r.errors);
}

function switchOf(line: unknown) {
  const r = validateConfig({ lines: [line] });
  assert.ok(r.ok, JSON.stringify(r.ok ? null : r.errors));
  return r.value.lines[0]!.simSwitch;
}

test('config check refuses a SIMCom line with the dual-sim switch and no commands, with a clear message', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: '/dev/null', family: 'simcom', simSwitch: { backend: 'dual-sim' } }] }));
  assert.deepEqual(await runConfigCheck(file), {
    code: 1,
    output:
      `${file}: 1 error\n` +
      'lines[0].simSwitch.commands: missing; SIMCom modems have no built-in dual-SIM command (none could be verified for the SIM7500/SIM7600): ' +
      'give the firmware\'s command set in "commands" (docs/sim-switch.md)',
  });
  assert.deepEqual(errorsOf({ port: '/dev/a', family: 'generic', simSwitch: { backend: 'dual-sim' } }), [
    'lines[0].simSwitch.commands: missing; a generic modem has no dual-SIM command (3GPP TS 27.007 defines none): give the firmware\'s command set in "commands" (docs/sim-switch.md)',
  ]);
});

test('config check accepts the documented commands override (SIMCom too) and the family key', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ lines: [{ port: '/dev/null', family: 'simcom', simSwitch: { backend: 'dual-sim', commands: COMMANDS } }] }));
  assert.deepEqual(await runConfigCheck(file), { code: 0, output: `${file}: OK (1 line configured)` });
  assert.deepEqual(switchOf({ port: '/dev/a', family: 'simcom', simSwitch: { backend: 'dual-sim', commands: { ...COMMANDS, field: 1, timeoutMs: 8000 } } }), {
    backend: 'dual-sim',
    slots: 2,
    commands: { ...COMMANDS, field: 1, timeoutMs: 8000 },
  });
  assert.deepEqual(switchOf({ port: '/dev/a', simSwitch: { backend: 'dual-sim', family: 'quectel' } }), { backend: 'dual-sim', slots: 2, family: 'quectel' });
  // Quectel has a built-in command; with "auto" the detected family decides when the modem is identified.
  assert.deepEqual(switchOf({ port: '/dev/a', family: 'quectel', simSwitch: { backend: 'dual-sim' } }), { backend: 'dual-sim', slots: 2 });
  assert.deepEqual(switchOf({ port: '/dev/a', simSwitch: { backend: 'dual-sim' } }), { backend: 'dual-sim', slots: 2 });
});

test('a dual-SIM command set is checked field by field; commands that could smuggle another command are refused', () => {
  const cases: [unknown, string[]][] = [
    [{ backend: 'dual-sim', family: 'quectel', commands: COMMANDS }, ['lines[0].simSwitch: expected either "family" or "commands", not both']],
    [{ backend: 'dual-sim', family: 'simcom' }, ['lines[0].simSwitch.family: expected one of "quectel", got "simcom"']],
    [
      { backend: 'dual-sim', commands: { ...COMMANDS, select: 'AT+XSIM={value}\rAT+CFUN=0' } },
      ['lines[0].simSwitch.commands.select: expected the set command such as "AT+XSIM={value}"; it may hold printable ASCII characters only (no CR, LF or other control characters), got "AT+XSIM={value}\\rAT+CFUN=0"'],
    ],
    [
      { backend: 'dual-sim', commands: { ...COMMANDS, select: 'AT+XSIM=1' } },
      ['lines[0].simSwitch.commands.select: expected the set command such as "AT+XSIM={value}"; it must contain {value}, got "AT+XSIM=1"'],
    ],
    [{ backend: 'dual-sim', commands: { ...COMMANDS, query: '+XSIM?' } }, ['lines[0].simSwitch.commands.query: expected the read command such as "AT+XSIM?"; it must start with AT, got "+XSIM?"']],
    [{ backend: 'dual-sim', commands: { ...COMMANDS, values: { A: '1', B: '1' } } }, ['lines[0].simSwitch.commands.values: expected two different values for A and B']],
    [
      { backend: 'dual-sim', commands: { ...COMMANDS, values: { A: '0,1', B: '2' } } },
      ['lines[0].simSwitch.commands.values.A: expected the value that selects this holder, such as "0"; it cannot contain a comma (the read reply is split at commas), got "0,1"'],
    ],
    [{ backend: 'dual-sim', commands: { ...COMMANDS, slot: 'A' } }, ['lines[0].simSwitch.commands.slot: unknown key (expected one of: name, select, query, prefix, field, values, timeoutMs)']],
  ];
  for (const [sw, want] of cases) assert.deepEqual(errorsOf({ port: '/dev/a', simSwitch: sw }), want, JSON.stringify(sw));
});

test('at run time a dual-sim switch gets its command set from the configuration or the detected family, or a clear error', () => {
  const sw = (o: object) => switchOf({ port: '/dev/a', simSwitch: { backend: 'dual-sim', ...o } });
  assert.deepEqual(simSwitchConfigOf(sw({ commands: COMMANDS }), 'simcom', 3), { backend: 'dual-sim', commands: COMMANDS });
  assert.deepEqual(simSwitchConfigOf(sw({ family: 'quectel' }), 'simcom', 3), { backend: 'dual-sim', family: 'quectel' });
  assert.deepEqual(simSwitchConfigOf(sw({}), 'quectel', 3), { backend: 'dual-sim', family: 'quectel' });
  assert.ok(DUAL_SIM_FAMILIES.quectel);
  for (const family of ['simcom', 'generic'] as const) {
    assert.throws(
      () => simSwitchConfigOf(sw({}), family, 3),
      (e: unknown) =>
        e instanceof SimSwitchError && e.code === 'config' && /^line 3: dual-sim SIM switch: .*; give the firmware's command set in lines\[\]\.simSwitch\.commands \(docs\/sim-switch\.md\)$/.test(e.message),
    );
  }
  // The other backends pass through as they are.
  assert.deepEqual(simSwitchConfigOf({ backend: 'none' }, 'simcom', 3), { backend: 'none' });
});
