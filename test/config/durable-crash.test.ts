/**
 * Crash safety of DurableJsonFile: a child process writes versions of a document in a loop (several
 * writes in flight at a time) and is SIGKILLed at random moments. After each kill the file must parse
 * and hold one complete written version, never a torn one, and never an older version than before.
 * (SIGKILL loses no page cache, so this tests the write/rename protocol, not fsync against power loss.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DurableJsonFile } from '../../src/config/durable-file.js';
import { tempDir } from './temp-dir.js';

// Under tsx this file is .ts next to src/*.ts; compiled it is dist/test/config/*.js next to dist/src/*.js.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const modulePath = fileURLToPath(new URL(`../../src/config/durable-file${ext}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const KILLS = 30;

interface Version {
  seq: number;
  fill: string;
  tail: number;
}

/** What the child writes for version n: size varies so a torn write could not look complete. */
const CHILD = `
import { DurableJsonFile } from ${JSON.stringify(pathToFileURL(modulePath).href)};
const file = process.argv[2];
const body = (n) => ({ seq: n, fill: String(n).repeat(1500 + (n % 7) * 700), tail: n });
const a = new DurableJsonFile(file);
const doc = await a.read();
let seq = doc ? doc.seq : 0;
await a.write(body(++seq));
process.stdout.write('ready\\n');
for (;;) {
  const burst = [];
  for (let k = 0; k < 3; k++) burst.push(a.write(body(++seq)));
  await Promise.all(burst);
}
`;

function checkVersion(v: unknown, where: string): Version {
  assert.equal(typeof v, 'object', `${where}: not an object`);
  const d = v as Version;
  assert.ok(Number.isInteger(d.seq) && d.seq > 0, `${where}: bad seq`);
  assert.equal(d.tail, d.seq, `${where}: tail does not match seq`);
  assert.equal(d.fill, String(d.seq).repeat(1500 + (d.seq % 7) * 700), `${where}: fill does not match seq`);
  return d;
}

function runAndKill(script: string, file: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [...(ext === '.ts' ? ['--import', 'tsx'] : []), script, file];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never became ready: ${err}`));
    }, 30_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!killed && out.includes('ready\n')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL' && killed) resolve();
      else reject(new Error(`child exited early (code ${code}, signal ${signal}): ${err}`));
    });
  });
}

test(`SIGKILL at ${KILLS} random moments never leaves a torn or older document`, { timeout: 300_000 }, async (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'writer.mjs');
  fs.writeFileSync(script, CHILD);
  const file = path.join(dir, 'state.json');
  let lastSeq = 0;
  let sawBackup = 0;
  for (let i = 0; i < KILLS; i++) {
    await runAndKill(script, file, Math.floor(Math.random() * 60));
    const main = checkVersion(JSON.parse(fs.readFileSync(file, 'utf8')), `kill ${i}: ${file}`);
    assert.ok(main.seq > lastSeq, `kill ${i}: the file went back from ${lastSeq} to ${main.seq}`);
    lastSeq = main.seq;
    if (fs.existsSync(`${file}.bak`)) {
      const bak = checkVersion(JSON.parse(fs.readFileSync(`${file}.bak`, 'utf8')), `kill ${i}: backup`);
      assert.ok(bak.seq <= main.seq, `kill ${i}: backup ${bak.seq} is newer than the file ${main.seq}`);
      sawBackup++;
    }
  }
  assert.ok(sawBackup > 0);
  // Reading through the adapter gives the same document and clears the dead writers' temp files.
  const a = new DurableJsonFile<Version>(file);
  assert.equal((await a.read())?.seq, lastSeq);
  assert.equal(a.lastRecovery, undefined);
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
  );
});
