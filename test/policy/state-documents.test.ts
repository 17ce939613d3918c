import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, defaultPolicyConfig, initialPolicyState, type PolicyEvent, type PolicyState } from '../../src/policy/index.js';
import { POLICY_HEADER_KEY, PolicyDocuments, policyLineKey, readPolicyDocuments } from '../../src/policy/state-documents.js';

const config = defaultPolicyConfig({});
const NOW = Date.UTC(2026, 5, 1, 12);

function run(state: PolicyState, events: PolicyEvent[]): PolicyState {
  for (const e of events) state = decide(config, state, NOW, e).state;
  return state;
}

/** Eight lines with a bound SIM each, as a gateway has them after bring-up. */
function eightLines(): PolicyState {
  const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
  return run(
    initialPolicyState({ timeTrusted: true, timeSource: 'system clock' }),
    ids.map((line) => ({ type: 'sim-bound', line, slot: 'A', iccid: `89860000000000000${line}` }) as PolicyEvent),
  );
}

const keys = (u: { key: string }[]) => u.map((d) => d.key);

test('a call step writes the header and the one line it changed, not the whole state', () => {
  const start = eightLines();
  const docs = new PolicyDocuments(start, false);
  const next = run(start, [{ type: 'call-attempt', line: '3' }]);
  const c = docs.change(next);
  assert.deepEqual(keys(c.updates), [POLICY_HEADER_KEY, policyLineKey('3')]);
  const whole = JSON.stringify(next).length;
  const written = c.updates.reduce((n, d) => n + d.json.length, 0);
  assert.ok(written * 5 < whole, `${written} bytes written of a ${whole}-byte state`);
  c.written();
  assert.deepEqual(keys(docs.change(next).updates), [POLICY_HEADER_KEY], 'nothing left to write once durable');
});

test('a tick copies every line; only lines whose text changed are written', () => {
  const start = eightLines();
  const docs = new PolicyDocuments(start, false);
  const next = run(start, [{ type: 'tick' }]);
  assert.notEqual(next.lines['1'], start.lines['1'], 'the engine copied the line');
  assert.deepEqual(keys(docs.change(next).updates), [POLICY_HEADER_KEY]);
});

test('a change not yet durable is written again by the next event', () => {
  const start = eightLines();
  const docs = new PolicyDocuments(start, false);
  const a = run(start, [{ type: 'call-attempt', line: '2' }]);
  docs.change(a); // the write failed: written() never called
  const b = run(a, [{ type: 'call-attempt', line: '5' }]);
  assert.deepEqual(keys(docs.change(b).updates), [POLICY_HEADER_KEY, policyLineKey('2'), policyLineKey('5')]);
});

test('the documents read back into the same state', () => {
  const start = eightLines();
  const docs = new PolicyDocuments(null, false);
  const next = run(start, [{ type: 'call-attempt', line: '1' }, { type: 'answered', line: '1' }]);
  const stored = new Map(docs.change(next).updates.map((d) => [d.key, d.json]));
  assert.deepEqual(readPolicyDocuments(stored), { state: next, whole: false });
  assert.equal(readPolicyDocuments(new Map()), null);
});

test('a state saved whole (before line documents) is read as it is and written whole by the first event', () => {
  const old = eightLines();
  const stale = run(old, [{ type: 'call-attempt', line: '4' }]);
  // The header holds every line; line documents left over from a later version are older than it.
  const stored = new Map([
    [POLICY_HEADER_KEY, JSON.stringify(old)],
    [policyLineKey('4'), JSON.stringify(stale.lines['4'])],
  ]);
  const read = readPolicyDocuments(stored)!;
  assert.deepEqual(read, { state: old, whole: true });
  const docs = new PolicyDocuments(read.state, read.whole);
  const next = run(read.state, [{ type: 'tick' }]);
  const c = docs.change(next);
  assert.deepEqual(keys(c.updates), [POLICY_HEADER_KEY, ...['1', '2', '3', '4', '5', '6', '7', '8'].map(policyLineKey)]);
  assert.equal(JSON.parse(c.updates[0]!.json).lines, undefined, 'the header no longer holds the lines');
  for (const d of c.updates) stored.set(d.key, d.json);
  assert.deepEqual(readPolicyDocuments(stored), { state: next, whole: false });
});
