import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpioSimSwitch, gpiosetArgs } from '../../modem-drivers/sim-switch/gpio.js';
import { SimSwitchError, type SlotId } from '../../modem-drivers/sim-switch/types.js';

const dir = mkdtempSync(join(tmpdir(), 'cellgate-gpioset-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/**
 * Writes a fake gpioset that logs "start <pid> <argv>" to its own log file. `prelude` runs before that
 * line (the SIGTERM trap goes there, so a logged start always has its trap set).
 */
function fakeTool(body: string, prelude = ''): { path: string; log: string } {
  n++;
  const log = join(dir, `calls-${n}.log`);
  const path = join(dir, `gpioset-${n}`);
  writeFileSync(path, `#!/bin/sh\nLOG='${log}'\n${prelude}\necho "start $$ $*" >> "$LOG"\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, log };
}

/** Holds the lines until SIGTERM/SIGINT, like gpioset --mode=signal. Short sleeps so nothing outlives it. */
const TRAP = `trap 'echo "term $$" >> "$LOG"; exit 0' TERM INT`;
const LOOP = 'while :; do sleep 0.05; done';
const holds = () => fakeTool(LOOP, TRAP);

function logLines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** Polls until `cond` holds (the fake tool is a shell script; under load it starts slowly). */
async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the held fake gpioset has logged its start (its SIGTERM trap is set just before). */
async function started(log: string, pid: number | null): Promise<void> {
  assert.ok(pid !== null, 'no gpioset held');
  await waitFor(() => logLines(log).some((l) => l.startsWith(`start ${pid} `)), `gpioset ${pid} to start`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: (string | RegExp)[]): Promise<SimSwitchError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SimSwitchError, `expected SimSwitchError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const part of parts) {
      if (typeof part === 'string') assert.ok(err.message.includes(part), `"${err.message}" should contain "${part}"`);
      else assert.match(err.message, part);
    }
    return err;
  }
  assert.fail('expected a rejection');
}

test('gpiosetArgs encodes the slot index in binary on [bit0, bit1], v1.6 syntax', () => {
  const enc = (s: SlotId, low = false) => gpiosetArgs('gpiochip0', [17, 27], s, low);
  assert.deepEqual(enc('A'), ['--mode=signal', 'gpiochip0', '17=0', '27=0']);
  assert.deepEqual(enc('B'), ['--mode=signal', 'gpiochip0', '17=1', '27=0']);
  assert.deepEqual(enc('C'), ['--mode=signal', 'gpiochip0', '17=0', '27=1']);
  assert.deepEqual(enc('D'), ['--mode=signal', 'gpiochip0', '17=1', '27=1']);
  assert.deepEqual(enc('D', true), ['--mode=signal', '--active-low', 'gpiochip0', '17=1', '27=1']);
});

test('selects every slot, replacing the held gpioset each time; close() kills the last one', async () => {
  const tool = holds();
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], settleMs: 30, gpiosetPath: tool.path, lineId: 'L1' });
  assert.equal(await sw.current(), null, 'unknown before the first select');
  const pids: number[] = [];
  for (const slot of ['A', 'B', 'C', 'D'] as const) {
    await sw.select(slot);
    assert.equal(await sw.current(), slot);
    await started(tool.log, sw.heldPid);
    pids.push(sw.heldPid!);
    // Only the newest process is alive: the previous one was killed before the lines were requested again.
    for (const old of pids.slice(0, -1)) assert.equal(alive(old), false, `old gpioset ${old} still running`);
    assert.equal(alive(sw.heldPid!), true);
  }
  const last = pids[pids.length - 1]!;
  await sw.close();
  assert.equal(alive(last), false, 'close() must kill the held gpioset');
  assert.equal(sw.heldPid, null);

  const lines = logLines(tool.log);
  const starts = lines.filter((l) => l.startsWith('start')).map((l) => l.split(' ').slice(2).join(' '));
  assert.deepEqual(starts, [
    '--mode=signal gpiochip0 17=0 27=0',
    '--mode=signal gpiochip0 17=1 27=0',
    '--mode=signal gpiochip0 17=0 27=1',
    '--mode=signal gpiochip0 17=1 27=1',
  ]);
  // Each start after the first is preceded by the previous process's SIGTERM handler.
  const order = lines.map((l) => l.split(' ').slice(0, 2).join(' '));
  assert.deepEqual(order, [
    `start ${pids[0]}`, `term ${pids[0]}`,
    `start ${pids[1]}`, `term ${pids[1]}`,
    `start ${pids[2]}`, `term ${pids[2]}`,
    `start ${pids[3]}`, `term ${pids[3]}`,
  ]);
  await rejectsWith(sw.select('A'), 'closed');
});

test('activeLow adds --active-low', async () => {
  const tool = holds();
  const sw = new GpioSimSwitch({ chip: '/dev/gpiochip1', lines: [4, 5], activeLow: true, settleMs: 20, gpiosetPath: tool.path });
  await sw.select('C');
  await started(tool.log, sw.heldPid);
  await sw.close();
  assert.match(logLines(tool.log)[0]!, /^start \d+ --mode=signal --active-low \/dev\/gpiochip1 4=0 5=1$/);
});

test('concurrent selects are serialised: never two gpioset processes at once', async () => {
  const tool = holds();
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [1, 2], settleMs: 300, gpiosetPath: tool.path });
  const pids: number[] = [];
  await Promise.all([sw.select('A'), sw.select('B'), sw.select('D')].map((p) => p.then(() => pids.push(sw.heldPid!))));
  assert.equal(await sw.current(), 'D');
  assert.equal(new Set(pids).size, 3, 'three processes, one per select');
  await started(tool.log, sw.heldPid);
  await sw.close();
  for (const pid of pids) assert.equal(alive(pid), false);
  // Replay the log: a process starts only after the previous one handled its SIGTERM.
  const live = new Set<string>();
  for (const line of logLines(tool.log)) {
    const [kind, pid] = line.split(' ');
    if (kind === 'start') {
      assert.equal(live.size, 0, `gpioset ${pid} started while ${[...live].join(',')} still held the lines`);
      live.add(pid!);
    } else live.delete(pid!);
  }
  assert.equal(live.size, 0);
  assert.match(logLines(tool.log).filter((l) => l.startsWith('start')).pop()!, / 1=1 2=1$/);
});

test('invalid slot rejects without running the tool', async () => {
  const tool = holds();
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], gpiosetPath: tool.path });
  await rejectsWith(sw.select('E' as SlotId), 'invalid-slot', '"E"', 'gpiochip0', '17,27');
  await rejectsWith(sw.select(undefined as unknown as SlotId), 'invalid-slot');
  assert.deepEqual(logLines(tool.log), []);
  await sw.close();
});

test('missing tool: clear rejection naming the chip, the lines and the path', async () => {
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], gpiosetPath: join(dir, 'no-such-gpioset'), lineId: 'L3' });
  await rejectsWith(sw.select('B'), 'tool', 'line L3', 'gpiochip0', 'lines 17,27', 'no-such-gpioset', 'not found');
  assert.equal(await sw.current(), null);
  await sw.close();
});

test('tool exits non-zero (bad chip): rejection carries its stderr and exit code', async () => {
  const tool = fakeTool(`echo "gpioset: error setting the GPIO line values: No such file or directory" >&2\nexit 1`);
  const sw = new GpioSimSwitch({ chip: 'gpiochip9', lines: [17, 27], settleMs: 3000, gpiosetPath: tool.path });
  await rejectsWith(sw.select('A'), 'tool', 'gpiochip9', 'lines 17,27', 'exited with code 1', 'No such file or directory', 'slot A');
  assert.equal(await sw.current(), null);
  await sw.close();
});

test('tool exits 0 at once (no hold mode): rejected, the line state would be undefined', async () => {
  const tool = fakeTool('exit 0');
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], settleMs: 3000, gpiosetPath: tool.path });
  await rejectsWith(sw.select('A'), 'tool', 'exited with code 0', '--mode=signal');
  await sw.close();
});

test('a failed select after a good one leaves the slot unknown', async () => {
  const flag = join(dir, 'fail-now');
  const tool = fakeTool(`if [ -e '${flag}' ]; then echo "gpioset: error requesting GPIO lines: Device or resource busy" >&2; exit 1; fi\n${LOOP}`, TRAP);
  // A long settle window: the failing start must be seen even when the machine is busy.
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], settleMs: 800, gpiosetPath: tool.path });
  await sw.select('A');
  writeFileSync(flag, '');
  await rejectsWith(sw.select('B'), 'tool', 'Device or resource busy');
  assert.equal(await sw.current(), null);
  rmSync(flag);
  await sw.select('C');
  assert.equal(await sw.current(), 'C');
  await sw.close();
});

test('held gpioset dying later makes current() unknown', async () => {
  const tool = fakeTool('sleep 1\nexit 1');
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], settleMs: 50, gpiosetPath: tool.path });
  await sw.select('B');
  assert.equal(await sw.current(), 'B');
  await waitFor(() => sw.heldPid === null, 'the held gpioset to exit');
  assert.equal(await sw.current(), null);
  assert.equal(sw.heldPid, null);
  await sw.close();
});

test('a gpioset that ignores SIGTERM is SIGKILLed on close()', async () => {
  const tool = fakeTool(`trap '' TERM\nwhile :; do sleep 0.05; done`);
  const sw = new GpioSimSwitch({ chip: 'gpiochip0', lines: [17, 27], settleMs: 20, killTimeoutMs: 150, gpiosetPath: tool.path });
  await sw.select('A');
  const pid = sw.heldPid!;
  await sw.close();
  assert.equal(alive(pid), false);
  await sw.close(); // idempotent
});
