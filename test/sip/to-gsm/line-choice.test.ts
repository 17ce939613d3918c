/**
 * The line choice of SIP → GSM calls: prefix routing (manual §4.3), dial rules (appendix E), line
 * state and the SIM policy, round robin and least minutes, and the status of each refusal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLine, type LineCandidate, type LineChoiceInput, type LineChoiceSettings } from '../../../src/sip/to-gsm/index.js';

const settings = (over: Partial<LineChoiceSettings> = {}): LineChoiceSettings => ({
  prefixMatch: 'callee',
  stripPrefix: false,
  lineSelection: 'round-robin',
  dialRules: '',
  strictDialRules: false,
  ...over,
});
const free = (id: number): LineCandidate => ({ id, registered: true, idle: true });

function input(over: Partial<LineChoiceInput> = {}): LineChoiceInput {
  return { callee: '13800138000', caller: '101', settings: settings(), prefixes: [], lines: [free(1), free(2), free(3)], mayCall: () => ({ ok: true }), lastLine: null, ...over };
}

test('no prefixes configured: every line is a candidate and round robin goes 1, 2, 3, 1', () => {
  let last: number | null = null;
  const seen: number[] = [];
  for (let i = 0; i < 4; i++) {
    const c = chooseLine(input({ lastLine: last }));
    assert.ok(c.ok);
    seen.push(c.line);
    last = c.line;
  }
  assert.deepEqual(seen, [1, 2, 3, 1]);
});

test('callee prefix picks its line; strip removes the prefix; caller mode matches the From user', () => {
  const prefixes = [
    { line: 1, prefixes: ['01'] },
    { line: 2, prefixes: ['02', '10'] },
  ];
  assert.deepEqual(chooseLine(input({ callee: '0213800138000', prefixes })), { ok: true, line: 2, number: '0213800138000' });
  assert.deepEqual(chooseLine(input({ callee: '0213800138000', prefixes, settings: settings({ stripPrefix: true }) })), { ok: true, line: 2, number: '13800138000' });
  assert.deepEqual(chooseLine(input({ callee: '13800138000', caller: '101', prefixes, settings: settings({ prefixMatch: 'caller', stripPrefix: true }) })), { ok: true, line: 2, number: '13800138000' });
});

test('prefixMatch off ignores the prefix table', () => {
  const c = chooseLine(input({ prefixes: [{ line: 3, prefixes: ['9'] }], settings: settings({ prefixMatch: 'off' }) }));
  assert.deepEqual(c, { ok: true, line: 1, number: '13800138000' });
});

test('prefixes configured and none matches: 603 (manual §4.3)', () => {
  const c = chooseLine(input({ prefixes: [{ line: 1, prefixes: ['0'] }] }));
  assert.equal(c.ok, false);
  assert.equal(!c.ok && c.status, 603);
});

test('empty callee, or empty once stripped: 484', () => {
  const empty = chooseLine(input({ callee: '' }));
  assert.equal(!empty.ok && empty.status, 484);
  const stripped = chooseLine(input({ callee: '01', prefixes: [{ line: 1, prefixes: ['01'] }], settings: settings({ stripPrefix: true }) }));
  assert.equal(!stripped.ok && stripped.status, 484);
});

test('dial rules rewrite the number after prefix routing; strict rules refuse with 403', () => {
  const rewritten = chooseLine(input({ callee: '8613800138000', settings: settings({ dialRules: '86:-86' }) }));
  assert.deepEqual(rewritten, { ok: true, line: 1, number: '13800138000' });
  const strict = settings({ dialRules: '1[3-8]XXXXXXXXX:', strictDialRules: true });
  assert.deepEqual(chooseLine(input({ settings: strict })), { ok: true, line: 1, number: '13800138000' });
  const refused = chooseLine(input({ callee: '12345', settings: strict }));
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.status, 403);
});

test('unregistered lines are not candidates: 503 when none is registered', () => {
  const c = chooseLine(input({ lines: [{ id: 1, registered: false, idle: true }] }));
  assert.equal(!c.ok && c.status, 503);
});

test('busy lines are skipped; every matching line busy: 486', () => {
  const lines = [{ id: 1, registered: true, idle: false }, free(2)];
  assert.deepEqual(chooseLine(input({ lines })), { ok: true, line: 2, number: '13800138000' });
  const all = chooseLine(input({ lines: [{ id: 1, registered: true, idle: false }] }));
  assert.equal(!all.ok && all.status, 486);
  // Line 2 is free but the prefix matches line 1 only.
  const matched = chooseLine(input({ callee: '0113800138000', lines, prefixes: [{ line: 1, prefixes: ['01'] }] }));
  assert.equal(!matched.ok && matched.status, 486);
});

test('the SIM policy: refused lines are skipped; none allowed gives 403 "SIM Policy" with the reasons', () => {
  const some = chooseLine(input({ mayCall: (id) => (id === 1 ? { ok: false, reason: 'daily limit' } : { ok: true }) }));
  assert.deepEqual(some, { ok: true, line: 2, number: '13800138000' });
  const none = chooseLine(input({ mayCall: () => ({ ok: false, reason: 'outside allowed hours' }) }));
  assert.equal(none.ok, false);
  assert.ok(!none.ok);
  assert.equal(none.status, 403);
  assert.equal(none.reason, 'SIM Policy');
  assert.match(none.detail, /line 1: outside allowed hours/);
});

test('least minutes picks the line with the fewest minutes, ties to the lowest id', () => {
  const used: Record<number, number> = { 1: 30, 2: 5, 3: 5 };
  const c = chooseLine(input({ settings: settings({ lineSelection: 'least-minutes' }), minutesUsed: (id) => used[id]! }));
  assert.deepEqual(c, { ok: true, line: 2, number: '13800138000' });
});

test('a throwing policy becomes a 500 refusal, not a throw', () => {
  const c = chooseLine(input({ mayCall: () => { throw new Error('store gone'); } }));
  assert.equal(!c.ok && c.status, 500);
});
