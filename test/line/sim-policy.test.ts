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

/** A policy on the store in `dir` (a start of the daemon); `close` is its stop. */
function started(dir: string) {
  const store = CounterStore.open(dir);
  const p = new SimPolicy({ config: defaultPolicyConfig({}), store, log: silentLogger() });
  const feed = (e: unknown) => (p as unknown as { feed(e: unknown): void }).feed(e);
  const close = () => {
    p.stop();
    store.close();
  };
  return { p, store, feed, close };
}

test('the policy state survives a restart, stored as a header and one document per line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-simpolicy-'));
  const first = started(dir);
  for (const id of [1, 2, 3]) bind(first.p, id);
  const before = first.store.loadStates();
  first.feed({ type: 'call-attempt', line: '2' });
  const after = first.store.loadStates();
  const changed = [...after.values()].filter((s) => before.get(s.key)?.version !== s.version).map((s) => s.key);
  assert.deepEqual(changed.sort(), ['policy', 'policy.line.2'], 'one call step rewrites its line and the header only');
  const state = first.p.snapshot();
  first.close();
  const again = started(dir);
  assert.deepEqual(again.p.snapshot(), state);
  again.close();
});

test('a policy state saved whole by an earlier version is read, then written as line documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-simpolicy-'));
  const first = started(dir);
  for (const id of [1, 2]) bind(first.p, id);
  const state = first.p.snapshot();
  // What an earlier version left: the whole state under one key (line documents, if any, are older).
  for (const key of first.store.loadStates().keys()) if (key !== 'policy') first.store.saveState(key, 'null');
  first.store.saveState('policy', JSON.stringify(state));
  first.close();
  const again = started(dir);
  assert.deepEqual(again.p.snapshot(), state);
  again.feed({ type: 'tick' });
  const docs = again.store.loadStates();
  assert.equal(JSON.parse(docs.get('policy')!.json).lines, undefined);
  assert.deepEqual(JSON.parse(docs.get('policy.line.1')!.json), again.p.snapshot().lines['1']);
  assert.deepEqual(JSON.parse(docs.get('policy.line.2')!.json), again.p.snapshot().lines['2']);
  again.close();
});
