import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DurableFileError, DurableJsonFile, type Recovery } from '../../src/config/durable-file.js';
import { tempDir } from './temp-dir.js';

const readJson = (f: string): unknown => JSON.parse(fs.readFileSync(f, 'utf8'));

test('a missing file reads as null; writes round-trip and keep the previous document as .bak', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  const a = new DurableJsonFile<{ v: number }>(file);
  assert.equal(await a.read(), null);
  assert.equal(a.lastRecovery, undefined);

  await a.write({ v: 1 });
  assert.deepEqual(readJson(file), { v: 1 });
  assert.equal(fs.existsSync(`${file}.bak`), false, 'nothing to back up on the first write');

  await a.write({ v: 2 });
  assert.deepEqual(readJson(file), { v: 2 });
  assert.deepEqual(readJson(`${file}.bak`), { v: 1 });
  assert.deepEqual(await a.read(), { v: 2 });

  await a.write({ v: 3 });
  assert.deepEqual(readJson(`${file}.bak`), { v: 2 });
  assert.notEqual(fs.statSync(file).ino, fs.statSync(`${file}.bak`).ino, 'file and backup are separate inodes');
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    ['config.json', 'config.json.bak'],
    'no temp files are left behind',
  );
});

test('mode 0600 applies to the file and its backup', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'auth.json');
  const a = new DurableJsonFile(file, { mode: 0o600 });
  await a.write({ a: 1 });
  await a.write({ a: 2 });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(`${file}.bak`).mode & 0o777, 0o600);
});

test('mode 0600 applies to temp files whatever the umask, and to a corrupt file set aside', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(`${file}.bak`, JSON.stringify({ v: 'good' }), { mode: 0o600 });
  fs.writeFileSync(file, '{"pin": "12');
  fs.chmodSync(file, 0o644);
  const old = process.umask(0);
  try {
    const a = new DurableJsonFile<{ v: string }>(file, { mode: 0o600 });
    await a.read();
    await a.write({ v: 'new' });
  } finally {
    process.umask(old);
  }
  for (const f of fs.readdirSync(dir)) assert.equal((fs.statSync(path.join(dir, f)).mode & 0o777).toString(8), '600', f);
  assert.ok(fs.existsSync(`${file}.corrupt`));
});

test('a corrupt main file is recovered from .bak and the recovery is reported', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(`${file}.bak`, JSON.stringify({ v: 'good' }));
  fs.writeFileSync(file, '{"v": "torn", ');
  const seen: Recovery[] = [];
  const a = new DurableJsonFile<{ v: string }>(file, { onRecovery: (r) => seen.push(r) });
  assert.deepEqual(await a.read(), { v: 'good' });
  assert.ok(a.lastRecovery);
  assert.equal(a.lastRecovery.from, 'bak');
  assert.equal(a.lastRecovery.file, file);
  assert.equal(a.lastRecovery.backup, `${file}.bak`);
  assert.equal(a.lastRecovery.reason, "not valid JSON at 1:15: unexpected end of input; a '}' is missing");
  assert.equal(
    a.lastRecovery.message,
    `${file} was corrupt (not valid JSON at 1:15: unexpected end of input; a '}' is missing); started from ${file}.bak`,
  );
  assert.deepEqual(seen, [a.lastRecovery]);

  // The next write must not turn the corrupt file into the backup; the corrupt file is kept aside.
  await a.write({ v: 'new' });
  assert.deepEqual(readJson(file), { v: 'new' });
  assert.deepEqual(readJson(`${file}.bak`), { v: 'good' });
  assert.equal(fs.readFileSync(`${file}.corrupt`, 'utf8'), '{"v": "torn", ');
  assert.deepEqual(await a.read(), { v: 'new' });
  assert.equal(a.lastRecovery, undefined);
});

test('a document the validator rejects counts as corrupt', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'x.json');
  fs.writeFileSync(file, '[1, 2]');
  fs.writeFileSync(`${file}.bak`, '{"ok": true}');
  const a = new DurableJsonFile(file, { validate: (d) => (Array.isArray(d) ? 'an array is not a document' : undefined) });
  assert.deepEqual(await a.read(), { ok: true });
  assert.equal(a.lastRecovery?.reason, 'an array is not a document');
});

test('only the backup exists: it is used and reported', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(`${file}.bak`, '{"v": 1}');
  const a = new DurableJsonFile(file);
  assert.deepEqual(await a.read(), { v: 1 });
  assert.equal(a.lastRecovery?.reason, 'missing');
  assert.equal(a.lastRecovery?.message, `${file} was missing; started from ${file}.bak`);
});

test('both files bad: a clear error naming both files and reasons', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, '{"a": 1,}');
  fs.writeFileSync(`${file}.bak`, '');
  const a = new DurableJsonFile(file);
  await assert.rejects(a.read(), (e: unknown) => {
    assert.ok(e instanceof DurableFileError);
    assert.equal(
      e.message,
      `${file} is unusable (not valid JSON at 1:9: trailing comma before '}') and so is its backup ${file}.bak ` +
        '(not valid JSON at 1:1: the file is empty; expected a JSON object such as {})',
    );
    assert.deepEqual(e.reasons, {
      file: "not valid JSON at 1:9: trailing comma before '}'",
      backup: 'not valid JSON at 1:1: the file is empty; expected a JSON object such as {}',
    });
    return true;
  });

  fs.rmSync(`${file}.bak`);
  await assert.rejects(a.read(), { message: `${file} is unusable (not valid JSON at 1:9: trailing comma before '}') and there is no backup ${file}.bak` });

  fs.rmSync(file);
  fs.writeFileSync(`${file}.bak`, 'nope');
  await assert.rejects(a.read(), {
    message: `${file} is missing and its backup ${file}.bak is unusable (not valid JSON at 1:1: unexpected word "nope"; strings must be in double quotes)`,
  });
});

test('concurrent writes run one at a time, the last one wins, and each resolves durable', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'c.json');
  const a = new DurableJsonFile<{ n: number }>(file);
  const writes: Array<Promise<void>> = [];
  for (let n = 1; n <= 25; n++) writes.push(a.write({ n }));
  // The first write's promise resolves with its document on disk.
  await writes[0];
  assert.ok((readJson(file) as { n: number }).n >= 1);
  await Promise.all(writes);
  assert.deepEqual(readJson(file), { n: 25 });
  const bak = readJson(`${file}.bak`) as { n: number };
  assert.ok(bak.n >= 1 && bak.n < 25);
  await a.flush();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['c.json', 'c.json.bak']);
});

test('data is snapshotted when write() is called', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 's.json');
  const a = new DurableJsonFile<{ list: number[] }>(file);
  const doc = { list: [1] };
  const p = a.write(doc);
  doc.list.push(2);
  await p;
  assert.deepEqual(readJson(file), { list: [1] });
});

test('a value that cannot be serialised rejects without touching the file', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'b.json');
  const a = new DurableJsonFile<unknown>(file);
  await a.write({ ok: 1 });
  await assert.rejects(a.write({ big: 1n }), TypeError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(a.write(cyclic), TypeError);
  assert.deepEqual(readJson(file), { ok: 1 });
});

test('temp files of dead writers are removed on read; the directory is created on write', async (t) => {
  const dir = tempDir(t);
  const sub = path.join(dir, 'nested', 'data');
  const file = path.join(sub, 'config.json');
  const a = new DurableJsonFile(file);
  await a.write({ v: 1 });
  // The pid of a child that has already exited stands for a writer that died.
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const stale = path.join(sub, `.config.json.${deadPid}.0.1a2b3c4d.tmp`);
  const staleBak = path.join(sub, `.config.json.bak.${deadPid}.1.0badf00d.tmp`);
  const live = path.join(sub, `.config.json.${process.pid}.99.00000000.tmp`);
  fs.writeFileSync(stale, '{"v": 9');
  fs.writeFileSync(staleBak, '{"v": 8}');
  fs.writeFileSync(live, '{"v": 7}');
  const b = new DurableJsonFile(file);
  assert.deepEqual(await b.read(), { v: 1 });
  assert.equal(fs.existsSync(stale), false);
  assert.equal(fs.existsSync(staleBak), false);
  assert.equal(fs.existsSync(live), true, "a live process's temp file is left alone");
});
