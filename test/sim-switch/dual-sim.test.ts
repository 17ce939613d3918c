import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AtCommandError,
  AtTimeoutError,
  type AtChannelApi,
  type AtCommand,
  type AtResponse,
  type FinalResult,
} from '../../src/at/types.js';
import {
  DUAL_SIM_FAMILIES,
  DualSimSwitch,
  dualSimSelectCommand,
  parseDualSimQuery,
  type DualSimCommandSet,
} from '../../modem-drivers/sim-switch/dual-sim.js';
import { SimSwitchError, type SlotId } from '../../modem-drivers/sim-switch/types.js';

const quectel = DUAL_SIM_FAMILIES.quectel;

/**
 * A tiny stand-in for the AT channel: records commands and answers from a handler returning an
 * AtResponse-shaped reply (or throwing, like the real channel on timeout).
 */
class FakeChannel implements AtChannelApi {
  readonly sent: AtCommand[] = [];
  constructor(private readonly handler: (cmd: string) => { lines: string[]; final: FinalResult } | 'timeout') {}

  async send(command: AtCommand): Promise<AtResponse> {
    this.sent.push(command);
    const r = this.handler(command.cmd);
    if (r === 'timeout') throw new AtTimeoutError(command.cmd, command.timeoutMs ?? 1000);
    return { cmd: command.cmd, final: r.final, lines: r.lines, ok: r.final.kind === 'OK' || r.final.kind === 'CONNECT' };
  }

  async exec(command: AtCommand | string): Promise<string[]> {
    const c = typeof command === 'string' ? { cmd: command } : command;
    const res = await this.send(c);
    if (!res.ok) throw new AtCommandError(res.cmd, res.final, res.lines);
    return res.lines;
  }

  registerUrc(): void {}
  onUrc(): () => void {
    return () => undefined;
  }
}

const OK: FinalResult = { kind: 'OK' };

/** A Quectel-like modem that remembers AT+QDSIM=<n> and reports it on AT+QDSIM?. */
function quectelModem(): FakeChannel {
  let sim = 0;
  return new FakeChannel((cmd) => {
    const set = /^AT\+QDSIM=(\d)$/.exec(cmd);
    if (set) {
      const n = Number(set[1]);
      if (n > 1) return { lines: [], final: { kind: 'CME ERROR', code: 50, text: null } };
      sim = n;
      return { lines: [], final: OK };
    }
    if (cmd === 'AT+QDSIM?') return { lines: [`+QDSIM: ${sim}`], final: OK };
    return { lines: [], final: { kind: 'ERROR' } };
  });
}

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SimSwitchError, `expected SimSwitchError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" should contain "${part}"`);
    return;
  }
  assert.fail('expected a rejection');
}

test('Quectel: A → AT+QDSIM=0, B → AT+QDSIM=1; current() reads AT+QDSIM?', async () => {
  const ch = quectelModem();
  const sw = new DualSimSwitch({ channel: ch, commands: quectel, lineId: 'L2' });
  assert.deepEqual(sw.slots, ['A', 'B']);
  assert.equal(await sw.current(), 'A');
  await sw.select('B');
  assert.equal(await sw.current(), 'B');
  await sw.select('A');
  assert.equal(await sw.current(), 'A');
  assert.deepEqual(
    ch.sent.map((c) => c.cmd),
    ['AT+QDSIM?', 'AT+QDSIM=1', 'AT+QDSIM?', 'AT+QDSIM=0', 'AT+QDSIM?'],
  );
  assert.deepEqual(ch.sent[0]!.prefixes, ['+QDSIM:']);
  assert.equal(ch.sent[1]!.timeoutMs, 5000);
  await sw.close();
  await rejectsWith(sw.select('A'), 'closed');
  await rejectsWith(sw.current(), 'closed');
});

test('slots C and D are not on a dual-SIM modem; garbage slots are invalid; nothing is sent', async () => {
  const ch = quectelModem();
  const sw = new DualSimSwitch({ channel: ch, commands: quectel, lineId: 'L2' });
  await rejectsWith(sw.select('C'), 'unsupported-slot', 'slot C', 'A, B');
  await rejectsWith(sw.select('D'), 'unsupported-slot');
  await rejectsWith(sw.select('b' as SlotId), 'invalid-slot');
  assert.equal(ch.sent.length, 0);
});

test('modem refuses (+CME ERROR): modem error with the result code', async () => {
  const ch = new FakeChannel(() => ({ lines: [], final: { kind: 'CME ERROR', code: null, text: 'operation not allowed' } }));
  const sw = new DualSimSwitch({ channel: ch, commands: quectel, lineId: 'L1' });
  await rejectsWith(sw.select('B'), 'modem', 'line L1', 'AT+QDSIM=1', 'operation not allowed');
});

test('modem does not answer: timeout error', async () => {
  const ch = new FakeChannel(() => 'timeout');
  const sw = new DualSimSwitch({ channel: ch, commands: quectel });
  await rejectsWith(sw.select('A'), 'timeout', 'AT+QDSIM=0', 'no final result');
  await rejectsWith(sw.current(), 'timeout', 'AT+QDSIM?');
});

test('closed AT port or other channel failures become io errors', async () => {
  const ch: AtChannelApi = {
    send: () => Promise.reject(new Error('AT port closed')),
    exec: () => Promise.reject(new Error('AT port closed')),
    registerUrc: () => undefined,
    onUrc: () => () => undefined,
  };
  const sw = new DualSimSwitch({ channel: ch, commands: quectel });
  await rejectsWith(sw.select('A'), 'io', 'AT port closed');
});

test('unexpected query replies are modem errors, not crashes', async () => {
  for (const lines of [[], ['+QDSIM: 2'], ['+QDSIM:'], ['garbage']]) {
    const ch = new FakeChannel(() => ({ lines, final: OK }));
    const sw = new DualSimSwitch({ channel: ch, commands: quectel });
    await rejectsWith(sw.current(), 'modem', 'AT+QDSIM?');
  }
});

test('parseDualSimQuery: spacing, quotes, extra fields', () => {
  assert.deepEqual(parseDualSimQuery(['+QDSIM: 1'], quectel), { ok: true, slot: 'B' });
  assert.deepEqual(parseDualSimQuery(['+QDSIM:0'], quectel), { ok: true, slot: 'A' });
  assert.deepEqual(parseDualSimQuery(['+QDSIM: "1"'], quectel), { ok: true, slot: 'B' });
  assert.deepEqual(parseDualSimQuery(['+QDSIM: 1,1'], quectel), { ok: true, slot: 'B' });
  assert.deepEqual(parseDualSimQuery(['  +QDSIM: 0  '], quectel), { ok: true, slot: 'A' });
  const bad = parseDualSimQuery(['+QDSIM: 3'], quectel);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /unexpected value "3"/);
});

test('a custom command set (data, not code) works the same way', async () => {
  // Hypothetical firmware: 1-based values in the second field of the read reply.
  const custom: DualSimCommandSet = {
    name: 'vendor X AT+XSIM',
    select: 'AT+XSIM=1,{value}',
    query: 'AT+XSIM?',
    prefix: '+XSIM:',
    field: 1,
    values: { A: '1', B: '2' },
    timeoutMs: 800,
  };
  let v = '1';
  const ch = new FakeChannel((cmd) => {
    const m = /^AT\+XSIM=1,(\d)$/.exec(cmd);
    if (m) {
      v = m[1]!;
      return { lines: [], final: OK };
    }
    return { lines: [`+XSIM: 1,${v}`], final: OK };
  });
  const sw = new DualSimSwitch({ channel: ch, commands: custom });
  await sw.select('B');
  assert.equal(await sw.current(), 'B');
  assert.equal(dualSimSelectCommand(custom, 'A'), 'AT+XSIM=1,1');
  assert.deepEqual(ch.sent.map((c) => [c.cmd, c.timeoutMs]), [['AT+XSIM=1,2', 800], ['AT+XSIM?', 800]]);
});
