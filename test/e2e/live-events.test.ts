/**
 * GET /api/events against the real daemon in demo mode (the CLI as a child process, simulated
 * modems): an admin stream gets hello and the lines snapshot, then a `line` event within seconds of a
 * SIM being pulled through the simulator's control API; an sms-role stream gets hello and the SMS it
 * queues, never line events; anonymous gets 401.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';
import { SseReader } from '../web/sse-reader.js';
import { chooseOwnPassword, replacePrintedPassword } from './helpers/first-password.js';

const bin = join(repoRoot(), 'bin', 'cellgate.js');

interface LineView {
  id: number;
  lifecycle: string;
  health: string;
  slot: string | null;
  sim: { iccid: string | null; state: string | null };
}

test('live events from the demo daemon: admin sees a pulled SIM as a line event; the sms role sees SMS only; anonymous 401', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-live-'));
  const child = spawn(process.execPath, [bin, 'start', '--data', join(dir, 'data'), '--http-port', '0', '--sip-port', '0', '--sim-control-port', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const streams = new AbortController();
  try {
    let password = '';
    let port = '';
    for (const started = Date.now(); !password || !port; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() - started < 15_000, `daemon did not start:\n${out}`);
      password = /admin \/ (\S+)/.exec(out)?.[1] ?? '';
      port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? '';
    }
    const base = `http://127.0.0.1:${port}`;
    password = await replacePrintedPassword(base, password);
    const admin = { authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64') };

    assert.equal((await fetch(`${base}/api/events`)).status, 401);

    const res = await fetch(`${base}/api/events`, { headers: admin, signal: streams.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = new SseReader(res.body!);
    await reader.until((e) => e.length >= 2, 5_000, 'hello and lines');
    assert.deepEqual(JSON.parse(reader.events[0]!.data), { user: 'admin', role: 'admin' });
    assert.equal(reader.events[1]!.event, 'lines');
    assert.deepEqual(
      (JSON.parse(reader.events[1]!.data) as { lines: LineView[] }).lines.map((l) => l.id),
      [1, 2, 3, 4],
    );

    // Wait (through the stream itself) for line 1 to be registered with a SIM bound.
    const latest = (id: number): LineView | undefined => {
      for (let i = reader.events.length - 1; i >= 0; i--) {
        const e = reader.events[i]!;
        if (e.event === 'line' && (JSON.parse(e.data) as LineView).id === id) return JSON.parse(e.data) as LineView;
        if (e.event === 'lines') return (JSON.parse(e.data) as { lines: LineView[] }).lines.find((l) => l.id === id);
      }
      return undefined;
    };
    await reader.until(() => latest(1)?.lifecycle === 'registered' && latest(1)?.sim.iccid != null, 30_000, 'line 1 registered');
    const before = latest(1)!;
    assert.ok(before.slot, 'line 1 has a bound slot');

    // An sms-role account, and its stream.
    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'texter', password: 'texter-password-1', role: 'sms' }),
    });
    assert.equal(created.status, 201, await created.text());
    // Created by an admin: its owner chooses its own password before anything else.
    await chooseOwnPassword(base, 'texter', 'texter-password-1', 'texter-password-2');
    const texter = { authorization: 'Basic ' + Buffer.from('texter:texter-password-2').toString('base64') };
    const smsRes = await fetch(`${base}/api/events`, { headers: texter, signal: streams.signal });
    assert.equal(smsRes.status, 200);
    const smsReader = new SseReader(smsRes.body!);
    await smsReader.until((e) => e.length >= 1, 5_000, 'hello for the sms role');

    // Pull line 1's SIM in the simulator (modem 1 is line 1).
    const device = (await (await fetch(`${base}/api/device`, { headers: admin })).json()) as { simulator: { controlApi: string } };
    const seen = reader.events.length;
    const pulledAt = Date.now();
    const pull = await fetch(`${device.simulator.controlApi}/modems/1/sims/${before.slot}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ remove: true }),
    });
    assert.equal(pull.status, 200, await pull.text());
    await reader.until(
      (e) =>
        e.slice(seen).some((x) => {
          if (x.event !== 'line') return false;
          const l = JSON.parse(x.data) as LineView;
          return l.id === 1 && (l.sim.iccid !== before.sim.iccid || l.slot !== before.slot || l.health !== 'ok');
        }),
      5_000,
      'a line event for line 1 showing the pulled SIM',
    );
    console.log(`# line event for the pulled SIM ${Date.now() - pulledAt} ms after the pull`);

    // The sms role: its own SMS shows up as an sms event; no line, lines or call events ever.
    const sent = await fetch(`${base}/api/sms`, {
      method: 'POST',
      headers: { ...texter, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+8613900001111', text: 'live events' }),
    });
    const sentBody = await sent.text();
    assert.equal(sent.status, 202, sentBody);
    const { id } = JSON.parse(sentBody) as { id: string };
    await smsReader.until((e) => e.some((x) => x.event === 'sms' && (JSON.parse(x.data) as { id: string }).id === id), 10_000, 'the sms event');
    assert.deepEqual(JSON.parse(smsReader.events.find((x) => x.event === 'sms')!.data), { id, direction: 'out', status: 'queued' });
    assert.deepEqual([...new Set(smsReader.events.map((e) => e.event))].sort(), ['hello', 'sms']);
    // The admin's stream is another connection: its copy of the event may come a moment later.
    await reader.until((e) => e.some((x) => x.event === 'sms' && (JSON.parse(x.data) as { id: string }).id === id), 5_000, 'admin sees the SMS too');

    // Stopping the daemon ends the open streams (the clients see the end, the daemon exits cleanly).
    child.kill('SIGTERM');
    await reader.closed(10_000);
    await smsReader.closed(10_000);
    assert.equal(reader.ended && smsReader.ended, true);
  } finally {
    streams.abort();
    if (!child.killed) child.kill('SIGTERM');
    assert.equal(await exited, 0, out.slice(-3000));
  }
});
