import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Migration, StoreError, dbFilePath, openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { CounterStore } from '../../src/store/counter-store.js';
import { tempDir } from './temp-dir.js';

function storeError(code: string, file: string) {
  return (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected StoreError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
    return true;
  };
}

test('creates <dataDir>/cellgate.db (and the directory) with WAL, synchronous=FULL, foreign keys, current schema', (t) => {
  const dir = path.join(tempDir(t), 'nested', 'data');
  const file = dbFilePath(dir);
  assert.equal(file, path.join(dir, 'cellgate.db'));
  const db = openDatabase(file, { migrations: MIGRATIONS });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    const tables = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
    assert.deepEqual(tables, MIGRATIONS.flatMap((m) => m.tables).sort());
  } finally {
    db.close();
  }
  assert.ok(fs.existsSync(file));
});

test('the page cache of a connection is capped at 2 MiB (the bundled SQLite defaults to 16 MB)', (t) => {
  const file = dbFilePath(tempDir(t));
  for (const readonly of [false, true]) {
    const db = openDatabase(file, { migrations: MIGRATIONS, readonly });
    try {
      // A negative cache_size is a size in KiB (https://www.sqlite.org/pragma.html#pragma_cache_size).
      const kib = -(db.pragma('cache_size', { simple: true }) as number);
      assert.ok(kib > 0 && kib <= 2048, `cache_size ${kib} KiB`);
    } finally {
      db.close();
    }
  }
});

test('an empty (0-byte) file is treated as a new database', (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  fs.writeFileSync(file, '');
  const db = openDatabase(file, { migrations: MIGRATIONS });
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  db.close();
});

const M1: Migration = { version: 1, name: 'a', tables: ['a'], sql: 'CREATE TABLE a (x INTEGER);' };
const M2: Migration = { version: 2, name: 'b', tables: ['b'], sql: 'CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (42);' };

test('migrations run once, in order, and only the pending ones', (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  openDatabase(file, { migrations: [M1] }).close();
  const db = openDatabase(file, { migrations: [M1, M2] });
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  assert.deepEqual(db.prepare('SELECT x FROM a').all(), [{ x: 42 }]);
  db.close();
  // reopening runs nothing again
  const again = openDatabase(file, { migrations: [M1, M2] });
  assert.deepEqual(again.prepare('SELECT x FROM a').all(), [{ x: 42 }]);
  again.close();
});

test('a failing migration is rolled back and leaves the previous version', (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  openDatabase(file, { migrations: [M1] }).close();
  const bad: Migration = { version: 2, name: 'broken', tables: ['c'], sql: 'CREATE TABLE c (z INTEGER); INSERT INTO nope VALUES (1);' };
  assert.throws(
    () => openDatabase(file, { migrations: [M1, bad] }),
    (e: unknown) => e instanceof StoreError && e.code === 'io' && e.message.includes('migration 2 (broken)') && e.message.includes(file),
  );
  const raw = new Database(file);
  assert.equal(raw.pragma('user_version', { simple: true }), 1);
  assert.deepEqual(raw.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'c'`).get(), { n: 0 });
  raw.close();
});

test('a migration list with a gap is a programming error', () => {
  assert.throws(() => openDatabase('/nonexistent/x.db', { migrations: [M2] }), /entry 0 has version 2, expected 1/);
});

test('a file that is not a database gives not-a-database naming the file', (t) => {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  fs.writeFileSync(file, 'this is a text file, not SQLite\n'.repeat(200));
  assert.throws(() => CounterStore.open(dir), storeError('not-a-database', file));
  // the file is left untouched for the operator to inspect
  assert.equal(fs.readFileSync(file, 'utf8').slice(0, 9), 'this is a');
});

test('a schema newer than this build gives too-new', (t) => {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  const raw = new Database(file);
  raw.pragma('user_version = 99');
  raw.close();
  assert.throws(() => CounterStore.open(dir), storeError('too-new', file));
});

test('a missing table gives schema-mismatch', (t) => {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  CounterStore.open(dir).close();
  const raw = new Database(file);
  raw.exec('DROP TABLE sms');
  raw.close();
  assert.throws(() => CounterStore.open(dir), storeError('schema-mismatch', file));
  // without the check it still fails cleanly, when the store prepares its statements
  assert.throws(() => CounterStore.open(dir, { check: 'none' }), (e: unknown) => e instanceof StoreError && /no such table: sms/.test(e.message) && e.message.includes(file));
});

/** Fills a store, checkpoints it, and overwrites `pageCount` pages from `firstPage` (1-based) with garbage. */
function corruptPages(t: import('node:test').TestContext, firstPage: number, pageCount: number): { dir: string; file: string } {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  CounterStore.open(dir).close();
  const raw = new Database(file);
  const ins = raw.prepare(`INSERT INTO sms (id, line, slot, iccid, direction, number, at, parts, ok, recorded_at) VALUES (?, 'L1', ?, ?, 'out', ?, ?, 1, 1, 0)`);
  raw.transaction(() => {
    for (let i = 0; i < 2000; i++) ins.run(`s${i}`, i % 4, `8986${i % 7}`, `+1555${i}`, 1_700_000_000_000 + i);
  })();
  raw.close(); // checkpoints the WAL into the main file
  const pageSize = 4096;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize * pageCount, 0xa5), 0, pageSize * pageCount, (firstPage - 1) * pageSize);
  fs.closeSync(fd);
  return { dir, file };
}

test('quick_check at open finds corruption in data pages and reports it with the file', (t) => {
  const { dir, file } = corruptPages(t, 6, 4);
  assert.throws(() => CounterStore.open(dir, { check: 'quick' }), storeError('corrupt', file));
});

test('corruption found later, by a query, is a StoreError too', (t) => {
  const { dir, file } = corruptPages(t, 6, 4);
  let s: CounterStore;
  try {
    s = CounterStore.open(dir); // the schema check does not read data pages
  } catch (e) {
    // acceptable too: the damage reached the schema
    storeError('corrupt', file)(e);
    return;
  }
  try {
    // reading every row reaches the damaged pages
    assert.throws(() => {
      for (let offset = 0; offset < 2000; offset += 1000) s.querySms({ limit: 1000, offset });
    }, storeError('corrupt', file));
    const report = s.checkIntegrity();
    assert.notDeepEqual(report, ['ok']);
  } finally {
    s.close();
  }
});

test('a damaged schema page is reported at open even without quick_check', (t) => {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  CounterStore.open(dir).close();
  const fd = fs.openSync(file, 'r+');
  // page 1 after the 100-byte file header holds the root of sqlite_schema
  fs.writeSync(fd, Buffer.alloc(3000, 0xff), 0, 3000, 100);
  fs.closeSync(fd);
  assert.throws(
    () => CounterStore.open(dir),
    (e: unknown) => e instanceof StoreError && (e.code === 'corrupt' || e.code === 'not-a-database') && e.message.includes(file),
  );
});

test('a data directory that is a file gives io naming the path', (t) => {
  const dir = tempDir(t);
  const notDir = path.join(dir, 'plainfile');
  fs.writeFileSync(notDir, 'x');
  const file = dbFilePath(path.join(notDir, 'sub'));
  assert.throws(() => openDatabase(file, { migrations: MIGRATIONS }), storeError('io', file));
});

test('a second connection can read while the store writes (WAL)', (t) => {
  const dir = tempDir(t);
  const s = CounterStore.open(dir);
  t.after(() => s.close());
  s.recordSms({ id: 'a', line: 'L1', slot: 0, iccid: null, direction: 'out', number: '1', at: 1, parts: 1, ok: true });
  const reader = new Database(dbFilePath(dir), { readonly: true });
  reader.exec('BEGIN');
  assert.deepEqual(reader.prepare('SELECT count(*) AS n FROM sms').get(), { n: 1 });
  // the writer is not blocked by the open read transaction
  s.recordSms({ id: 'b', line: 'L1', slot: 0, iccid: null, direction: 'out', number: '1', at: 2, parts: 1, ok: true });
  assert.deepEqual(reader.prepare('SELECT count(*) AS n FROM sms').get(), { n: 1 }); // snapshot
  reader.exec('COMMIT');
  assert.deepEqual(reader.prepare('SELECT count(*) AS n FROM sms').get(), { n: 2 });
  reader.close();
});

test('readonly open reads a current database and refuses to migrate an old one', (t) => {
  const dir = tempDir(t);
  const file = dbFilePath(dir);
  assert.throws(() => openDatabase(file, { migrations: MIGRATIONS, readonly: true }), storeError('io', file)); // missing
  openDatabase(file, { migrations: MIGRATIONS }).close();
  const ro = openDatabase(file, { migrations: MIGRATIONS, readonly: true });
  assert.deepEqual(ro.prepare('SELECT count(*) AS n FROM calls').get(), { n: 0 });
  assert.throws(() => ro.exec(`INSERT INTO sim_state VALUES ('k', '{}', 1, 0, NULL)`), /readonly/);
  ro.close();
  const newer: Migration = { version: MIGRATIONS.length + 1, name: 'next', tables: ['next'], sql: 'CREATE TABLE next (x);' };
  assert.throws(() => openDatabase(file, { migrations: [...MIGRATIONS, newer], readonly: true }), storeError('schema-mismatch', file));
  // A database of an older version (migration 1 only) is not migrated by a read-only open.
  const oldFile = path.join(dir, 'old.db');
  openDatabase(oldFile, { migrations: [MIGRATIONS[0]!] }).close();
  assert.throws(() => openDatabase(oldFile, { migrations: MIGRATIONS, readonly: true }), storeError('schema-mismatch', oldFile));
});
