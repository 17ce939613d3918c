/** GroupCommit: one transaction per event-loop turn, each write in its own savepoint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/store/db.js';
import { GroupCommit } from '../../src/store/group-commit.js';
import { tempDir } from './temp-dir.js';

function openDb(t: import('node:test').TestContext): Db {
  const db = openDatabase(path.join(tempDir(t), 'g.db'), { migrations: [{ version: 1, name: 'kv', tables: ['kv'], sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)' }] });
  t.after(() => db.close());
  return db;
}

function rows(db: Db): Array<{ k: string; v: number }> {
  return db.prepare('SELECT k, v FROM kv ORDER BY k').all() as Array<{ k: string; v: number }>;
}

test('writes requested in one turn share one commit', async (t) => {
  const db = openDb(t);
  const g = new GroupCommit(db);
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  const ps = Array.from({ length: 20 }, (_, i) => g.run(() => ins.run(`k${String(i).padStart(2, '0')}`, i).changes));
  assert.deepEqual(await Promise.all(ps), Array(20).fill(1));
  assert.equal(g.stats.commits, 1);
  assert.equal(g.stats.writes, 20);
  assert.equal(g.stats.largest, 20);
  // A later turn is a new commit.
  await g.run(() => ins.run('z', 0));
  assert.equal(g.stats.commits, 2);
  assert.equal(rows(db).length, 21);
});

test('maxBatch splits a turn into several commits', async (t) => {
  const db = openDb(t);
  const g = new GroupCommit(db, { maxBatch: 4 });
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  await Promise.all(Array.from({ length: 10 }, (_, i) => g.run(() => ins.run(`k${i}`, i))));
  assert.equal(g.stats.commits, 3);
  assert.equal(g.stats.largest, 4);
});

test('a throwing write rejects only itself and its changes are rolled back', async (t) => {
  const db = openDb(t);
  const g = new GroupCommit(db);
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  const a = g.run(() => ins.run('a', 1));
  const bad = g.run(() => {
    ins.run('b', 2); // applied, then undone with its savepoint
    throw new Error('boom');
  });
  const dup = g.run(() => ins.run('a', 3)); // UNIQUE violation: an SQLite error
  const c = g.run(() => ins.run('c', 4));
  const r = await Promise.allSettled([a, bad, dup, c]);
  assert.deepEqual(
    r.map((x) => x.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  assert.match(String((r[1] as PromiseRejectedResult).reason), /boom/);
  assert.match(String((r[2] as PromiseRejectedResult).reason), /UNIQUE/);
  assert.deepEqual(rows(db), [
    { k: 'a', v: 1 },
    { k: 'c', v: 4 },
  ]);
  assert.equal(g.stats.commits, 1);
});

test('promises resolve only after COMMIT', async (t) => {
  const db = openDb(t);
  const g = new GroupCommit(db);
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  const seen: Array<{ inTx: boolean; rows: number }> = [];
  const p = g.run(() => ins.run('a', 1)).then(() => seen.push({ inTx: db.inTransaction, rows: rows(db).length }));
  // Nothing runs in the same turn.
  assert.equal(rows(db).length, 0);
  await p;
  assert.deepEqual(seen, [{ inTx: false, rows: 1 }]);
  // Committed for another connection too.
  const other = new (await import('better-sqlite3')).default(db.name, { readonly: true });
  t.after(() => other.close());
  assert.equal((other.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n, 1);
});

test('a failing COMMIT rejects the whole batch and reports it', async (t) => {
  const db = openDb(t);
  const errors: unknown[] = [];
  const g = new GroupCommit(db, { onError: (e) => errors.push(e) });
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  // A stand-in for a disk error at COMMIT: a write ends the transaction itself, so the group's own
  // RELEASE/COMMIT fails. Every promise of the batch must reject (none may be taken as acknowledged).
  const a = g.run(() => ins.run('a', 1));
  const b = g.run(() => {
    ins.run('b', 2);
    db.exec('COMMIT'); // ends the outer transaction early: better-sqlite3's own COMMIT then fails
    return 'x';
  });
  const r = await Promise.allSettled([a, b]);
  assert.ok(r.every((x) => x.status === 'rejected'), JSON.stringify(r.map((x) => x.status)));
  assert.equal(errors.length, 1);
  assert.equal(g.stats.commits, 0);
  // The next turn commits normally.
  assert.equal((await g.run(() => ins.run('c', 3))).changes, 1);
  assert.equal(g.stats.commits, 1);
});

test('close flushes what is queued, then refuses', async (t) => {
  const db = openDb(t);
  const g = new GroupCommit(db);
  const ins = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)');
  const p = g.run(() => ins.run('a', 1));
  g.close();
  assert.equal(rows(db).length, 1); // applied synchronously by close
  await p;
  await assert.rejects(g.run(() => 1), /closed/);
  // The flush scheduled for the turn finds nothing left.
  await new Promise((r) => setImmediate(r));
  assert.equal(g.stats.commits, 1);
});
