import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { WalSync } from '../../src/store/wal-sync.js';

function tempDb(t: { after: (fn: () => void) => void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-walsync-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cellgate.db');
  return { file, db: openDatabase(file, { migrations: MIGRATIONS }) };
}

test('the connection leaves fsync to WalSync: synchronous=OFF, no automatic checkpoints', (t) => {
  const { file, db } = tempDb(t);
  const w = new WalSync(db, file);
  t.after(() => {
    w.close();
    db.close();
  });
  assert.equal(db.pragma('synchronous', { simple: true }), 0);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  assert.ok(fs.existsSync(`${file}-wal`));
});

test('sync() resolves for every caller; callers beyond the running syncs share the next one', async (t) => {
  const { file, db } = tempDb(t);
  const w = new WalSync(db, file);
  t.after(() => {
    w.close();
    db.close();
  });
  const ins = db.prepare(`INSERT INTO own_numbers (iccid, number, method, learned_at) VALUES (?, '1', 'sim', 0)`);
  const all: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    ins.run(`iccid${i}`);
    all.push(w.sync());
  }
  await Promise.all(all);
  // 50 callers, far fewer fdatasyncs (at most the running ones plus one shared per completion).
  assert.ok(w.stats.syncs >= 1 && w.stats.syncs < 50, `syncs ${w.stats.syncs}`);
  w.syncNow();
  assert.ok(w.stats.syncs >= 2);
});

test('checkpoint() carries committed frames into the database file (with full syncs) and is a no-op when clean', (t) => {
  const { file, db } = tempDb(t);
  const w = new WalSync(db, file);
  t.after(() => {
    w.close();
    db.close();
  });
  db.prepare(`INSERT INTO own_numbers (iccid, number, method, learned_at) VALUES ('x', '1', 'sim', 0)`).run();
  w.markDirty();
  w.checkpoint();
  assert.equal(w.stats.checkpoints, 1);
  assert.equal(db.pragma('synchronous', { simple: true }), 0, 'back to OFF after the checkpoint');
  w.checkpoint();
  assert.equal(w.stats.checkpoints, 1, 'nothing changed since');
  // The row is in the database file itself: a second connection reading without the WAL sees it.
  const ro = openDatabase(file, { migrations: MIGRATIONS, readonly: true });
  assert.deepEqual(ro.prepare('SELECT iccid FROM own_numbers').all(), [{ iccid: 'x' }]);
  ro.close();
});

test('close() while a sync runs closes the descriptor only after it finished', async (t) => {
  const { file, db } = tempDb(t);
  const w = new WalSync(db, file);
  t.after(() => db.close());
  const p = w.sync();
  w.close();
  await p;
  await new Promise((r) => setImmediate(r));
  assert.throws(() => w.syncNow(), /fd|EBADF/);
});

test('fault injection: with ackSyncDelayMs a sync() resolves that much later, and later callers share the next sync', async (t) => {
  const { file, db } = tempDb(t);
  const w = new WalSync(db, file, { ackSyncDelayMs: 60 });
  t.after(() => {
    w.close();
    db.close();
  });
  const t0 = Date.now();
  const first = [w.sync(), w.sync()];
  const later = [w.sync(), w.sync(), w.sync()];
  await Promise.all(first);
  assert.ok(Date.now() - t0 >= 55, `the first syncs took ${Date.now() - t0} ms`);
  assert.equal(w.stats.syncs, 2, 'the callers beyond the running syncs wait for the next one');
  await Promise.all(later);
  assert.ok(Date.now() - t0 >= 115, `the shared sync came after both: ${Date.now() - t0} ms`);
  assert.equal(w.stats.syncs, 3);
  // the blocking sync of the send path is not delayed
  const t1 = Date.now();
  w.syncNow();
  assert.ok(Date.now() - t1 < 50);
});
