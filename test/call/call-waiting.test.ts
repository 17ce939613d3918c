/**
 * Call waiting's modes (manual §4.7) against a fake line: the state table (an illegal edge throws) and
 * the AT+CHLD actions each mode takes on a second call, its end, the first call's end and mode 2 digits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Call } from '../../src/call/call.js';
import { CallWaiting, type CallWaitingMode, type HoldAction, type WaitingLine } from '../../src/call/call-waiting.js';
import { callWaitingTransition, IllegalCallWaitingTransition } from '../../src/call/call-waiting-state.js';
import type { LineCallEvent } from '../../src/events.js';
import { silentLogger } from '../../src/util/log.js';

test('state table: the mode 1 path, swaps, and illegal edges throw', () => {
  let s = callWaitingTransition('idle', 'waiting');
  s = callWaitingTransition(s, 'accept');
  assert.equal(s, 'second-active');
  assert.equal(callWaitingTransition(s, 'swap'), 'first-active');
  assert.equal(callWaitingTransition('first-active', 'swap'), 'second-active');
  assert.equal(callWaitingTransition(s, 'second-ended'), 'first-held');
  assert.equal(callWaitingTransition('first-held', 'resume'), 'idle');
  assert.equal(callWaitingTransition('waiting', 'refuse'), 'idle');
  for (const st of ['idle', 'waiting', 'second-active', 'first-active', 'first-held'] as const) assert.equal(callWaitingTransition(st, 'reset'), 'idle');
  assert.throws(() => callWaitingTransition('idle', 'accept'), IllegalCallWaitingTransition);
  assert.throws(() => callWaitingTransition('first-held', 'swap'), IllegalCallWaitingTransition);
  assert.throws(() => callWaitingTransition('waiting', 'resume'), IllegalCallWaitingTransition);
});

class FakeLine extends EventEmitter implements WaitingLine {
  readonly id = 1;
  readonly actions: (HoldAction | 'hangup')[] = [];
  refuse = false;
  async holdCalls(action: HoldAction): Promise<void> {
    this.actions.push(action);
    if (this.refuse) throw new Error('+CME ERROR: 3');
  }
  async hangup(): Promise<void> {
    this.actions.push('hangup');
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function call(id: string): Call {
  return new Call({ id, direction: 'in', origin: 'network', gsm: { line: 1, slot: null, iccid: null, number: '+8613911112222', cause: null }, at: 0 });
}

function ended(c: Call, waiting: boolean): LineCallEvent {
  return { call: c, from: 'CONNECTED', to: 'IDLE', event: 'ended', number: c.gsm.number, ...(waiting ? { waiting: true } : {}) };
}

function rig(mode: CallWaitingMode, swapBackMs = 20) {
  const line = new FakeLine();
  const cw = new CallWaiting({ modeOf: () => mode, log: silentLogger(), swapBackMs });
  cw.attach(line);
  return { line, cw };
}

test('disabled: a second call offered anyway is turned down (AT+CHLD=0)', async () => {
  const { line, cw } = rig('disabled');
  line.emit('call-waiting', call('w'));
  await flush();
  assert.deepEqual(line.actions, ['release-waiting']);
  assert.equal(cw.state(1), 'idle');
});

test('mode 1: hold and answer at once; when the second ends the first is taken back', async () => {
  const { line, cw } = rig('mode1');
  const second = call('w');
  line.emit('call-waiting', second);
  await flush();
  assert.deepEqual(line.actions, ['hold-active']);
  assert.equal(cw.state(1), 'second-active');
  line.emit('call', ended(second, true));
  await flush();
  assert.deepEqual(line.actions, ['hold-active', 'hold-active']);
  assert.equal(cw.state(1), 'idle');
});

test('mode 1: AT+CHLD refused: the state stays waiting', async () => {
  const { line, cw } = rig('mode1');
  line.refuse = true;
  line.emit('call-waiting', call('w'));
  await flush();
  assert.equal(cw.state(1), 'waiting');
});

test('mode 3: hold and answer, then after the swap-back time the first is taken back', async () => {
  const { line, cw } = rig('mode3', 20);
  line.emit('call-waiting', call('w'));
  await flush();
  assert.equal(cw.state(1), 'second-active');
  const end = Date.now() + 2000;
  while (cw.state(1) !== 'first-active' && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(line.actions, ['hold-active', 'hold-active']);
  assert.equal(cw.state(1), 'first-active');
});

test('mode 2: "3","2" answers and swaps, "3","1" releases the second; other digits and other modes are not used', async () => {
  const { line, cw } = rig('mode2');
  assert.equal(cw.digit(1, '3'), false, 'no second call yet');
  line.emit('call-waiting', call('w'));
  await flush();
  assert.deepEqual(line.actions, []);
  assert.equal(cw.digit(1, '5'), false);
  assert.equal(cw.digit(1, '3'), true);
  assert.equal(cw.digit(1, '2'), true);
  await flush();
  assert.equal(cw.state(1), 'second-active');
  cw.digit(1, '3');
  cw.digit(1, '2');
  await flush();
  assert.equal(cw.state(1), 'first-active');
  cw.digit(1, '3');
  cw.digit(1, '2');
  await flush();
  cw.digit(1, '3');
  cw.digit(1, '1');
  await flush();
  assert.deepEqual(line.actions, ['hold-active', 'hold-active', 'hold-active', 'release-active']);
  assert.equal(cw.state(1), 'idle');
  const other = rig('mode1');
  other.line.emit('call-waiting', call('w2'));
  await flush();
  assert.equal(other.cw.digit(1, '3'), false);
});

test('the first call ends while the second is up: the line is hung up (both end)', async () => {
  const { line, cw } = rig('mode1');
  const second = call('w');
  line.emit('call-waiting', second);
  await flush();
  line.emit('call', ended(call('first'), false));
  await flush();
  assert.deepEqual(line.actions, ['hold-active', 'hangup']);
  assert.equal(second.gatewayCause, 'the first call ended (call waiting)');
  assert.equal(cw.state(1), 'idle');
  // Its end afterwards changes nothing.
  line.emit('call', ended(second, true));
  await flush();
  assert.deepEqual(line.actions, ['hold-active', 'hangup']);
});
