import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { secureDataDir } from '../../src/config/data-dir.js';
import { openDatabase } from '../../src/store/db.js';
import { createLogger } from '../../src/util/log.js';
import { tempDir } from './temp-dir.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function capture() {
  let text = '';
  const log = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }) });
  return { log, text: () => text };
}

test('a missing data directory is created 0700 whatever the umask, with nothing to report', (t) => {
  const dir = path.join(tempDir(t), 'a', 'data');
  const { log, text } = capture();
  const old = process.umask(0);
  try {
    assert.deepEqual(secureDataDir(dir, { log }), []);
  } finally {
    process.umask(old);
  }
  assert.equal(mode(dir), 0o700);
  assert.equal(text(), '');
});

test('tightening removes group and other bits only, leaves links alone, and covers a configuration file elsewhere', (t) => {
  const root = tempDir(t);
  const dir = path.join(root, 'data');
  fs.mkdirSync(dir, { mode: 0o750 });
  fs.chmodSync(dir, 0o750);
  const already = path.join(dir, 'auth.json');
  fs.writeFileSync(already, '{}', { mode: 0o600 });
  const script = path.join(dir, 'hook.sh');
  fs.writeFileSync(script, '');
  fs.chmodSync(script, 0o755);
  const outside = path.join(root, 'shared.txt');
  fs.writeFileSync(outside, '');
  fs.chmodSync(outside, 0o644);
  fs.symlinkSync(outside, path.join(dir, 'link'));
  const elsewhere = path.join(root, 'etc-config.json');
  fs.writeFileSync(elsewhere, '{}');
  fs.chmodSync(elsewhere, 0o664);

  const { log, text } = capture();
  const changes = secureDataDir(dir, { log, extraFiles: [elsewhere, `${elsewhere}.bak`] });
  assert.deepEqual(
    changes.map((c) => [path.relative(root, c.path), c.from, c.to]),
    [
      ['data', '0750', '0700'],
      ['data/hook.sh', '0755', '0700'],
      ['etc-config.json', '0664', '0600'],
    ],
  );
  assert.equal(mode(outside), 0o644, 'the target of a link is not part of the data directory');
  assert.equal(mode(already), 0o600);
  assert.match(text(), /was 0750; made it 0700/);
  assert.match(text(), /2 files were readable by other users/);
});

test('a new database file and its -wal and -shm are 0600 whatever the umask', (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const old = process.umask(0);
  try {
    const db = openDatabase(file, { migrations: [{ version: 1, name: 'one table', sql: 'CREATE TABLE t (x)', tables: ['t'] }] });
    db.prepare('INSERT INTO t VALUES (1)').run();
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f).toString(8), '600', f);
    } finally {
      db.close();
    }
  } finally {
    process.umask(old);
  }
});
