import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimPolicy } from '../../src/line/sim-policy.js';
import { CounterStore } from '../../src/store/counter-store.js';
import { defaultPolicyConfig, parseLimit } from '../../src/policy/index.js';
import { silentLogger } from '../../src/util/log.js';
import type { LineStatus } from '../../src/line/types.js';

function fakeLine(id: number, over: Partial<LineStatus> = {}) {
  const st = { lifecycle: 'registered', callState: 'IDLE', ...over } as LineStatus;
  return { id, status: () => st, st };
}

function policy(limits = {}) {
  const store = CounterStore.open(mkdtempSync(join(tmpdir(), 'cg-simpolicy-')));
  const p = new SimPolicy({ config: defaultPolicyConfig({ limits: { callCountIncludesUnanswered: true, ...limits } }), store, log: silentLogger() });
  return { p, store };
}

/** Binds slot A on a line in the engine, as a line's sim-bound event would. */
function bind(p: SimPolicy, id: number) {
  (p as unknown as { feed(e: unknown): void }).feed({ type: 'sim-bound', line: String(id), slot: 'A', iccid: `8986000000000000000${id}` });
}

test('outgoing-call line selection (§4.4): round-robin over idle registered lines whose SIM may call', () => {
  const { p, store } = policy();
  const lines = [fakeLine(1), fakeLine(2), fakeLine(3, { callState: 'CONNECTED' }), fakeLine(4, { lifecycle: 'sim-ready' })];
  for (const l of lines) bind(p, l.id);
  assert.deepEqual([p.pickLine(lines), p.pickLine(lines), p.pickLine(lines)], [1, 2, 1]);
  p.stop();
  store.close();
});

test('line selection skips SIMs the policy forbids, and least-minutes prefers the least used SIM', () => {
  const r = parseLimit('1');
  assert.ok(r.ok);
  const { p, store } = policy({ callCount: r.value });
  const lines = [fakeLine(1), fakeLine(2)];
  for (const l of lines) bind(p, l.id);
  const feed = (e: unknown) => (p as unknown as { feed(e: unknown): void }).feed(e);
  // line 1's SIM makes its one allowed call (answered, 120 s)
  feed({ type: 'call-attempt', line: '1' });
  feed({ type: 'answered', line: '1' });
  feed({ type: 'call-ended', line: '1', durationSec: 120, cause: 'normal' });
  assert.equal(p.pickLine(lines), 2);
  assert.equal(p.pickLine(lines), 2, 'line 1 is out of calls');
  assert.equal(p.pickLine(lines, 'least-minutes'), 2);
  p.stop();
  store.close();
});

test('least-minutes picks the line whose bound SIM has used the fewest billed minutes', () => {
  const { p, store } = policy();
  const lines = [fakeLine(1), fakeLine(2)];
  for (const l of lines) bind(p, l.id);
  const feed = (e: unknown) => (p as unknown as { feed(e: unknown): void }).feed(e);
  const call = (line: string, sec: number) => {
    feed({ type: 'call-attempt', line });
    feed({ type: 'answered', line });
    feed({ type: 'call-ended', line, durationSec: sec, cause: 'normal' });
  };
  call('1', 120);
  assert.equal(p.pickLine(lines, 'least-minutes'), 2);
  call('2', 300);
  assert.equal(p.pickLine(lines, 'least-minutes'), 1);
  p.stop();
  store.close();
});
