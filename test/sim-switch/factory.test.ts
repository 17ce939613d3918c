import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import {
  createSimSwitch,
  parseSimSwitchConfig,
  SerialBoardRegistry,
  SimSwitchError,
  type SimSwitchConfig,
  type SlotId,
} from '../../modem-drivers/sim-switch/index.js';
import type { AtChannelApi } from '../../src/at/types.js';
import { silentLogger } from '../../src/util/log.js';

const log = silentLogger();

function configError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof SimSwitchError && err.code === 'config' && re.test(err.message));
}

test('parseSimSwitchConfig accepts each backend', () => {
  const good: unknown[] = [
    { backend: 'none' },
    { backend: 'simulated' },
    { backend: 'simulated', delayMs: 50, initial: 'B', slots: ['A', 'B'], failSlots: ['B'] },
    { backend: 'gpio', chip: 'gpiochip0', lines: [17, 27] },
    { backend: 'gpio', chip: 'gpiochip0', lines: [17, 27], activeLow: true, settleMs: 20, gpiosetPath: '/usr/bin/gpioset' },
    { backend: 'serial', port: '/dev/ttyUSB9', baudRate: 9600, template: 'SIM{slotNumber}\\r', timeoutMs: 500 },
    { backend: 'serial', port: '/dev/ttyUSB9', baudRate: 9600, template: 'L{line}={slot}\\r\\n', expect: '^OK', fail: 'ERR', timeoutMs: 500 },
    { backend: 'dual-sim', family: 'quectel' },
    { backend: 'dual-sim', commands: { name: 'x', select: 'AT+X={value}', query: 'AT+X?', prefix: '+X:', values: { A: '0', B: '1' } } },
  ];
  for (const c of good) {
    const r = parseSimSwitchConfig(c);
    assert.ok(r.ok, `${JSON.stringify(c)}: ${r.ok ? '' : r.error}`);
  }
});

test('parseSimSwitchConfig rejects bad input with readable errors, never throws', () => {
  const bad: [unknown, RegExp][] = [
    [null, /invalid SIM switch configuration/],
    ['gpio', /invalid/],
    [{ backend: 'usb' }, /backend/],
    [{ backend: 'none', extra: 1 }, /extra/],
    [{ backend: 'gpio', chip: 'gpiochip0', lines: [17] }, /lines/],
    [{ backend: 'gpio', chip: 'gpiochip0', lines: [5, 5] }, /different GPIO line offsets/],
    [{ backend: 'gpio', chip: '', lines: [1, 2] }, /chip/],
    [{ backend: 'serial', port: '/dev/x', baudRate: 9600, template: 'S{nope}', timeoutMs: 100 }, /unknown placeholder/],
    [{ backend: 'serial', port: '/dev/x', baudRate: 9600, template: 'S', expect: '(', timeoutMs: 100 }, /expect: expected a valid regular expression/],
    [{ backend: 'serial', port: '/dev/x', baudRate: 9600, template: 'S', timeoutMs: 10 }, /timeoutMs/],
    [{ backend: 'dual-sim' }, /exactly one of family/],
    [{ backend: 'dual-sim', family: 'simcom' }, /family/],
    [{ backend: 'dual-sim', commands: { name: 'x', select: 'AT+X=1', query: 'AT+X?', prefix: '+X:', values: { A: '0', B: '1' } } }, /\{value\}/],
    [{ backend: 'dual-sim', commands: { name: 'x', select: 'AT+X={value}', query: 'AT+X?', prefix: '+X:', values: { A: '0', B: '0' } } }, /two different values for A and B/],
    // The line ends each command with CR: one inside would start another command.
    [{ backend: 'dual-sim', commands: { name: 'x', select: 'AT+X={value}\r\nAT+CFUN=0', query: 'AT+X?', prefix: '+X:', values: { A: '0', B: '1' } } }, /select: .*may hold printable ASCII characters only/],
    [{ backend: 'dual-sim', commands: { name: 'x', select: 'AT+X={value}', query: 'X?', prefix: '+X:', values: { A: '0', B: '1' } } }, /query: .*must start with AT/],
    [{ backend: 'dual-sim', commands: { name: 'x', select: 'AT+X={value}', query: 'AT+X?', prefix: '+X:', values: { A: '0,1', B: '1' } } }, /comma/],
    [{ backend: 'simulated', initial: 'E' }, /initial/],
  ];
  for (const [input, re] of bad) {
    const r = parseSimSwitchConfig(input);
    assert.equal(r.ok, false, JSON.stringify(input));
    if (!r.ok) assert.match(r.error, re, `${JSON.stringify(input)} → ${r.error}`);
  }
});

test('createSimSwitch builds each backend', async () => {
  const kinds: [SimSwitchConfig, string, readonly SlotId[]][] = [
    [{ backend: 'none' }, 'none', ['A']],
    [{ backend: 'simulated' }, 'simulated', ['A', 'B', 'C', 'D']],
    [{ backend: 'gpio', chip: 'gpiochip0', lines: [17, 27] }, 'gpio', ['A', 'B', 'C', 'D']],
    [{ backend: 'serial', port: '/dev/ttyUSB9', baudRate: 9600, template: 'S{slotNumber}', timeoutMs: 100 }, 'serial', ['A', 'B', 'C', 'D']],
    [{ backend: 'dual-sim', family: 'quectel' }, 'dual-sim', ['A', 'B']],
  ];
  const channel: AtChannelApi = {
    send: () => Promise.reject(new Error('unused')),
    exec: async () => ['+QDSIM: 1'],
    registerUrc: () => undefined,
    onUrc: () => () => undefined,
  };
  const serialBoards = new SerialBoardRegistry({ openPort: () => Promise.reject(new Error('unused')) });
  for (const [config, kind, slots] of kinds) {
    const sw = createSimSwitch(config, { lineId: 'L1', log, channel, serialBoards });
    assert.equal(sw.kind, kind);
    assert.deepEqual(sw.slots, slots);
    await sw.close();
  }
});

test('createSimSwitch wires deps: onSelect for simulated, channel for dual-sim, shared boards for serial', async () => {
  const seen: SlotId[] = [];
  const sim = createSimSwitch({ backend: 'simulated' }, { lineId: 'L1', log, onSelect: (s) => void seen.push(s) });
  await sim.select('C');
  assert.deepEqual(seen, ['C']);

  const sent: string[] = [];
  const channel: AtChannelApi = {
    send: () => Promise.reject(new Error('unused')),
    exec: async (c) => {
      sent.push(typeof c === 'string' ? c : c.cmd);
      return ['+QDSIM: 1'];
    },
    registerUrc: () => undefined,
    onUrc: () => () => undefined,
  };
  const ds = createSimSwitch({ backend: 'dual-sim', family: 'quectel' }, { lineId: 'L2', log, channel });
  await ds.select('B');
  assert.equal(await ds.current(), 'B');
  assert.deepEqual(sent, ['AT+QDSIM=1', 'AT+QDSIM?']);

  const written: string[] = [];
  const board = new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) {
      written.push(chunk.toString());
      cb();
    },
  });
  let opens = 0;
  const serialBoards = new SerialBoardRegistry({
    openPort: async () => {
      opens++;
      return board;
    },
  });
  const cfg: SimSwitchConfig = { backend: 'serial', port: '/dev/ttyMUX', baudRate: 115200, template: '{line}>{slot}\\n', timeoutMs: 200 };
  const a = createSimSwitch(cfg, { lineId: 'L1', log, serialBoards });
  const b = createSimSwitch(cfg, { lineId: 'L2', log, serialBoards });
  await Promise.all([a.select('D'), b.select('A')]);
  assert.deepEqual(written, ['L1>D\n', 'L2>A\n']);
  assert.equal(opens, 1);
  await a.close();
  await b.close();
});

test('createSimSwitch: config errors', () => {
  configError(() => createSimSwitch({ backend: 'dual-sim', family: 'quectel' }, { lineId: 'L9', log }), /L9.*AT channel/);
  configError(() => createSimSwitch({ backend: 'gpio' } as unknown as SimSwitchConfig, { lineId: 'L9', log }), /L9: invalid SIM switch configuration/);
});
