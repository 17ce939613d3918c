/**
 * A call record survives kill -9 at any moment after the call ended: the daemon runs as a child
 * process; as soon as the API shows a call as ended (a missed incoming call, polled for), or answers a
 * test call (it answers after the record is written), the daemon is killed with SIGKILL. After the
 * restart, GET /api/calls/:id still has each record, complete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');
const PW = 'calls-kill-password';
const auth = { authorization: 'Basic ' + Buffer.from(`admin:${PW}`).toString('base64') };

interface Running {
  child: ChildProcess;
  api: string;
  ctl: string;
  number: string;
}

async function start(dir: string): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0', '--sim-control-port', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const end = Date.now() + 20_000;
  let port = '';
  let ctlPort = '';
  while (!(port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? '') || !(ctlPort = /"port":(\d+)[^\n]*simulator control API listening/.exec(out)?.[1] ?? '')) {
    if (Date.now() > end) throw new Error(`daemon did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const api = `http://127.0.0.1:${port}`;
  for (;;) {
    const l = (await (await fetch(`${api}/api/lines/1`, { headers: auth })).json()) as { lifecycle: string; operator: string | null; sim: { number: string | null } };
    if (l.lifecycle === 'registered' && l.operator && l.sim.number) return { child, api, ctl: `http://127.0.0.1:${ctlPort}`, number: l.sim.number };
    if (Date.now() > end) throw new Error('line 1 did not register');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function call(api: string, id: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${api}/api/calls/${encodeURIComponent(id)}`, { headers: auth });
  return { status: r.status, body: await r.json() };
}

test('kill -9 right after a call ended: its record is there after the restart', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-calls-kill-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ modems: { autoDetect: false }, log: { level: 'warn' }, simulator: { mode: 'auto', modems: 1, timing: 'fast' }, calls: { ringTimeoutSec: 1 } }),
  );
  assert.equal(spawnSync(process.execPath, [bin, 'passwd', '--data', dir], { input: PW + '\n' }).status, 0);

  // 1. An incoming call nobody answers; killed the moment the API lists it as ended.
  let d = await start(dir);
  const r = await fetch(`${d.ctl}/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+8613912345678', to: d.number }) });
  assert.equal(r.status, 200);
  let missed: any;
  const end = Date.now() + 15_000;
  while (!missed) {
    const list = (await (await fetch(`${d.api}/api/calls`, { headers: auth })).json()) as { items: any[] };
    missed = list.items[0];
    if (!missed && Date.now() > end) throw new Error('the missed call was never listed');
    if (!missed) await new Promise((r) => setTimeout(r, 10));
  }
  await kill9(d.child);

  d = await start(dir);
  const after = await call(d.api, missed.id);
  assert.equal(after.status, 200);
  assert.deepEqual(after.body, missed, 'the record read back after kill -9 is the one listed before');
  assert.equal(after.body.outcome, 'missed');

  // 2. A test call; killed the moment its answer arrives.
  const tc = await fetch(`${d.api}/api/lines/1/test-call`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ number: '+8613912345678', seconds: 0 }) });
  const result = (await tc.json()) as { answered: boolean };
  await kill9(d.child);
  assert.equal(tc.status, 200, JSON.stringify(result));

  d = await start(dir);
  const list = (await (await fetch(`${d.api}/api/calls`, { headers: auth })).json()) as { total: number; items: any[] };
  assert.equal(list.total, 2);
  const placed = list.items.find((c) => c.direction === 'out');
  assert.ok(placed, JSON.stringify(list.items));
  assert.deepEqual([placed.cause === 'interrupted', placed.active, placed.outcome === 'answered'], [false, false, result.answered], JSON.stringify(placed));
  assert.equal((await call(d.api, placed.id)).status, 200);
  assert.equal((await call(d.api, missed.id)).body.outcome, 'missed');
  assert.equal((await call(d.api, '1:0')).status, 404);
  d.child.kill('SIGTERM');
  await new Promise((r) => d.child.on('exit', r));
});
