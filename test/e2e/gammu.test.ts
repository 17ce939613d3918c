/**
 * Acceptance (issue 3): third-party AT software works against a simulated modem on a pty: `gammu identify`
 * and `gammu sendsms TEXT <number> -text "hi"` succeed (Debian package gammu), and the SMS reaches the
 * destination SIM in the simulated network. Uses `cellgate simulate --ptys` as a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');

test('gammu identify and gammu sendsms against a simulated modem on a pty; the SMS reaches the other SIM', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-gammu-'));
  const child = spawn(process.execPath, [bin, 'simulate', '--ptys', join(dir, 'dev'), '--modems', '2', '--timing', 'fast', '--control-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const end = Date.now() + 15_000;
    while (!/control API (\S+)/.test(out)) {
      assert.ok(Date.now() < end, `simulator did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const api = /control API (\S+)/.exec(out)![1]!;
    const pty = /^(\S+) modem 1 quectel-ec25 IMEI (\d+)/m.exec(out)!;
    const rc = join(dir, 'gammurc');
    writeFileSync(rc, `[gammu]\ndevice = ${pty[1]}\nconnection = at\n`);

    // wait until modem 2's SIM is registered (fast timing: ~200 ms)
    type Sim = { imsi: string; number: string; state: string; imei: string | null };
    let dest: Sim | undefined;
    while (!dest) {
      const sims = ((await (await fetch(`${api}/sims`)).json()) as { sims: Sim[] }).sims;
      dest = sims.find((s) => s.state === 'home' && s.imei !== pty[2]);
      if (!dest) await new Promise((r) => setTimeout(r, 100));
    }

    const id = spawnSync('gammu', ['-c', rc, 'identify'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(id.status, 0, id.stdout + id.stderr);
    assert.match(id.stdout, /Manufacturer\s+: Quectel/);
    assert.match(id.stdout, new RegExp(`IMEI\\s+: ${pty[2]}`));
    assert.match(id.stdout, /SIM IMSI\s+: \d{15}/);

    const send = spawnSync('gammu', ['-c', rc, 'sendsms', 'TEXT', dest.number, '-text', 'hi'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(send.status, 0, send.stdout + send.stderr);
    assert.match(send.stdout + send.stderr, /OK, message reference=\d+/);

    const deadline = Date.now() + 5000;
    for (;;) {
      const log = (await (await fetch(`${api}/sims/${dest.imsi}/log`)).json()) as { received: { text: string; status: string }[] };
      if (log.received.some((m) => m.text === 'hi')) break;
      assert.ok(Date.now() < deadline, `SMS not received by ${dest.number}: ${JSON.stringify(log)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
});
