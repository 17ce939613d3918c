import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { CounterStore } from '../../src/store/counter-store.js';
import { dbFilePath } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import type { CallRecord } from '../../src/store/records.js';
import { tempDir } from './temp-dir.js';

const T0 = Date.UTC(2026, 0, 1);
const ended = (id: string, at: number): CallRecord => ({
  id, line: '1', slot: 0, iccid: null, direction: 'out', number: '123', startedAt: at, endedAt: at + 1000, durationS: 0, billedS: 0, cause: 'no-answer',
});

test('calls are listed in the order they ended, not the order they began; duplicates add nothing', (t) => {
  const store = CounterStore.open(tempDir(t));
  t.after(() => store.close());
  store.beginCall({ id: 'long', line: '1', slot: 0, iccid: null, direction: 'out', number: '1', startedAt: T0 });
  store.recordCall(ended('short', T0 + 10));
  store.recordCall({ ...ended('long', T0), endedAt: T0 + 60_000 });
  store.recordCall(ended('short', T0 + 10));
  const all = store.endedCallsAfter(0);
  assert.deepEqual(all.map((c) => c.call.id), ['short', 'long']);
  assert.deepEqual(all.map((c) => c.endSeq), [1, 2]);
  assert.deepEqual(store.endedCallsAfter(1).map((c) => c.call.id), ['long']);
  assert.deepEqual(store.endedCallsAfter(0, 1).map((c) => c.call.id), ['short']);
});

test('the push position starts at the newest ended call for a new URL and only moves forward', (t) => {
  const dir = tempDir(t);
  let store = CounterStore.open(dir);
  store.recordCall(ended('a', T0));
  store.recordCall(ended('b', T0 + 1));
  assert.equal(store.cdrPushedThrough('http://x/'), 2);
  store.recordCall(ended('c', T0 + 2));
  assert.equal(store.cdrPushedThrough('http://x/'), 2);
  store.setCdrPushedThrough('http://x/', 3);
  store.setCdrPushedThrough('http://x/', 1);
  store.close();
  store = CounterStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.cdrPushedThrough('http://x/'), 3);
  assert.equal(store.cdrPushedThrough('http://other/'), 3);
});

test('migrating a store of the previous version numbers its ended calls by their begin order', (t) => {
  const dir = tempDir(t);
  const raw = new Database(dbFilePath(dir));
  for (const m of MIGRATIONS.slice(0, 5)) raw.exec(m.sql);
  raw.pragma('user_version = 5');
  raw.exec(`INSERT INTO calls (seq, id, line, slot, direction, number, started_at, ended_at, recorded_at) VALUES
    (1, 'old-ended', '1', 0, 'out', '1', 1, 2, 2), (2, 'old-open', '1', 0, 'out', '1', 1, NULL, 2)`);
  raw.close();
  const store = CounterStore.open(dir);
  t.after(() => store.close());
  assert.deepEqual(store.endedCallsAfter(0).map((c) => [c.endSeq, c.call.id]), [[1, 'old-ended']]);
  store.recordCall(ended('old-open', 1));
  assert.deepEqual(store.endedCallsAfter(0).map((c) => [c.endSeq, c.call.id]), [[1, 'old-ended'], [2, 'old-open']]);
});
