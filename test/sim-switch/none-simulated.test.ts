import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoSimSwitch } from '../../modem-drivers/sim-switch/none.js';
import { SimulatedSimSwitch } from '../../modem-drivers/sim-switch/simulated.js';
import { SLOTS, SimSwitchError, checkSlot, isSlotId, slotIndex, type SlotId } from '../../modem-drivers/sim-switch/types.js';

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

test('slot helpers', () => {
  assert.deepEqual(SLOTS, ['A', 'B', 'C', 'D']);
  assert.ok(Object.isFrozen(SLOTS));
  assert.deepEqual(SLOTS.map(slotIndex), [0, 1, 2, 3]);
  assert.ok(isSlotId('C'));
  for (const v of ['a', 'E', '', 0, null, undefined, {}]) assert.equal(isSlotId(v), false);
  assert.equal(checkSlot('A', ['A', 'B'], 'x'), null);
  assert.equal(checkSlot('C', ['A', 'B'], 'x')?.code, 'unsupported-slot');
  assert.equal(checkSlot({}, ['A', 'B'], 'x')?.code, 'invalid-slot');
});

test("'none': only slot A; selecting another slot rejects with 'line has no SIM switch'", async () => {
  const sw = new NoSimSwitch({ lineId: 'L4' });
  assert.equal(sw.kind, 'none');
  assert.deepEqual(sw.slots, ['A']);
  assert.equal(await sw.current(), 'A');
  await sw.select('A');
  for (const s of ['B', 'C', 'D'] as const) await rejectsWith(sw.select(s), 'unsupported-slot', 'line L4', 'line has no SIM switch');
  await rejectsWith(sw.select('Z' as SlotId), 'invalid-slot');
  await sw.close();
  await rejectsWith(sw.select('A'), 'closed');
});

test("'simulated': selects every slot, calls onSelect, records history", async () => {
  const seen: SlotId[] = [];
  const sw = new SimulatedSimSwitch({ onSelect: (s) => void seen.push(s), lineId: 'L1' });
  assert.equal(await sw.current(), null);
  for (const s of SLOTS) {
    await sw.select(s);
    assert.equal(await sw.current(), s);
  }
  assert.deepEqual(seen, ['A', 'B', 'C', 'D']);
  assert.deepEqual(sw.history, ['A', 'B', 'C', 'D']);
  await rejectsWith(sw.select('E' as SlotId), 'invalid-slot', '"E"');
  await sw.close();
  await rejectsWith(sw.select('A'), 'closed');
});

test("'simulated': delay, serialisation, initial slot, restricted slots", async () => {
  const sw = new SimulatedSimSwitch({ delayMs: 30, initial: 'A', slots: ['A', 'B'] });
  assert.equal(await sw.current(), 'A');
  const t0 = Date.now();
  await Promise.all([sw.select('B'), sw.select('A')]);
  assert.ok(Date.now() - t0 >= 55, 'two selects of 30 ms run one after the other');
  assert.deepEqual(sw.history, ['B', 'A']);
  await rejectsWith(sw.select('C'), 'unsupported-slot', 'A, B');
  await sw.close();
});

test("'simulated': failSlots and a failing onSelect reject; close() during a delay rejects", async () => {
  const sw = new SimulatedSimSwitch({ failSlots: ['C'], onSelect: (s) => (s === 'D' ? Promise.reject(new Error('card jammed')) : undefined) });
  await sw.select('B');
  await rejectsWith(sw.select('C'), 'io', 'simulated failure', 'slot C');
  assert.equal(await sw.current(), null);
  await rejectsWith(sw.select('D'), 'io', 'card jammed');

  const slow = new SimulatedSimSwitch({ delayMs: 10_000 });
  const p = slow.select('B');
  await new Promise((r) => setTimeout(r, 10));
  await slow.close();
  await rejectsWith(p, 'closed');
});
