import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { FileLockTimeout, withFileLock } from '../../src/config/file-lock.js';
import { tempDir } from './temp-dir.js';

test('holders run one at a time, and the lock is gone afterwards, also after a failure', async (t) => {
  const file = path.join(tempDir(t), 'doc.json');
  const order: string[] = [];
  const job = (name: string) =>
    withFileLock(file, async () => {
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 20));
      order.push(`${name}-`);
    });
  await Promise.all([job('a'), job('b'), job('c')]);
  assert.equal(order.length, 6);
  for (let i = 0; i < 6; i += 2) assert.equal(order[i]!.slice(0, 1), order[i + 1]!.slice(0, 1), `no overlap: ${order.join(' ')}`);
  await assert.rejects(withFileLock(file, async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(fs.existsSync(`${file}.lock`), false);
});

test('a lock left by a process that no longer runs is taken over', async (t) => {
  const file = path.join(tempDir(t), 'doc.json');
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  fs.writeFileSync(`${file}.lock`, gone.stdout);
  assert.equal(await withFileLock(file, async () => 'ran', { timeoutMs: 2000 }), 'ran');
});

test('a lock held by a running process makes the caller wait, then fail with who holds it', async (t) => {
  const file = path.join(tempDir(t), 'doc.json');
  fs.writeFileSync(`${file}.lock`, String(process.ppid));
  const started = Date.now();
  await assert.rejects(withFileLock(file, async () => 'ran', { timeoutMs: 300 }), (e: unknown) => {
    assert.ok(e instanceof FileLockTimeout);
    assert.match(e.message, new RegExp(`held by process ${process.ppid}`));
    return true;
  });
  assert.ok(Date.now() - started >= 300);
  assert.equal(fs.readFileSync(`${file}.lock`, 'utf8'), String(process.ppid), 'a live holder\'s lock is left alone');
});
