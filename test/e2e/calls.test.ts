/**
 * Calls end to end through the daemon on a simulated modem: an outside caller rings a SIM, nobody
 * answers, the gateway rejects the call after calls.ringTimeoutSec and the call is recorded as missed
 * and published; a test call and a refused test call are recorded too, and the API lists them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import type { Call } from '../../src/call/call.js';
import type { LineStatus } from '../../src/line/types.js';
import { silentLogger } from '../../src/util/log.js';

const FAST = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
const PASSWORD = 'calls-test-password';
const auth = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };

async function daemon(config: Record<string, unknown>): Promise<{ d: Daemon; api: string; ctl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-calls-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: 1, timing: 'fast', controlPort: 0 }, ...config }));
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: new Writable({ write: (_c, _e, cb) => cb() }), lines: { timing: FAST } });
  await d.auth.setPassword('admin', PASSWORD);
  return { d, api: `http://127.0.0.1:${d.port}`, ctl: d.control!.url };
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { headers: auth });
  return { status: r.status, body: await r.json() };
}

async function post(url: string, body: unknown, headers: Record<string, string> = auth): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

async function registered(api: string, id: number): Promise<LineStatus> {
  const end = Date.now() + 15_000;
  for (;;) {
    const l = (await get(`${api}/api/lines/${id}`)).body as LineStatus;
    if (l.lifecycle === 'registered' && l.operator && l.sim.number) return l;
    if (Date.now() > end) throw new Error(`line ${id} did not register: ${JSON.stringify(l)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an incoming call nobody answers rings for calls.ringTimeoutSec, is rejected, and leaves a missed record and a call-ended event', { timeout: 60_000 }, async (t) => {
  const { d, api, ctl } = await daemon({ calls: { ringTimeoutSec: 1 } });
  t.after(() => d.stop());
  const l = await registered(api, 1);
  const started: Call[] = [];
  d.calls.on('call-started', (c) => started.push(c));
  const ended = new Promise<Call>((resolve) => d.calls.on('call-ended', (c) => c.direction === 'in' && resolve(c)));

  const outside = await post(`${ctl}/calls`, { from: '+8613912345678', to: l.sim.number });
  assert.equal(outside.status, 200, JSON.stringify(outside.body));
  const call = await ended;
  const rang = call.times.end! - call.times.setup;
  assert.ok(rang >= 900 && rang < 4000, `rang ${rang} ms, expected about the 1 s ring timeout (the network gives up after 5 s)`);
  assert.equal(started.filter((c) => c === call).length, 1, 'one call-started for the call');
  assert.equal(call.outcome(), 'missed');
  assert.equal(call.gsm.number, '+8613912345678');
  assert.match(call.gatewayCause ?? '', /rejected after 1 s of ringing/);

  // The record is durable before the event, and the API shows it.
  const stored = d.store.getCall(call.id)!;
  assert.deepEqual([stored.direction, stored.outcome, stored.cause, stored.origin, stored.number, stored.billedS], ['in', 'missed', 'missed', 'network', '+8613912345678', 0]);
  const one = await get(`${api}/api/calls/${encodeURIComponent(call.id)}`);
  assert.equal(one.status, 200);
  assert.deepEqual(
    { direction: one.body.direction, outcome: one.body.outcome, active: one.body.active, line: one.body.line, number: one.body.number, answerAt: one.body.answerAt },
    { direction: 'in', outcome: 'missed', active: false, line: 1, number: '+8613912345678', answerAt: null },
  );
  assert.match(one.body.causes.gateway, /rejected after 1 s/);
  const list = await get(`${api}/api/calls`);
  assert.deepEqual(list.body.active, []);
  assert.equal(list.body.total, 1);
  assert.equal(list.body.items[0].id, call.id);

  // The outside caller was turned away, and the line is idle again.
  const calls = (await (await fetch(`${ctl}/calls`)).json()) as { calls: { state: string }[] };
  assert.equal(calls.calls[0]!.state, 'ended');
  assert.equal((await get(`${api}/api/lines/1`)).body.callState, 'IDLE');
  // Incoming calls do not count against the SIM's limits.
  const sims = (await get(`${api}/api/sims`)).body;
  assert.equal(sims.lines[0].slots.reduce((n: number, s: any) => n + s.total.calls, 0), 0);
});

test('test calls are recorded: one placed (with the caller as origin) and one the policy refuses (409, no modem)', { timeout: 60_000 }, async (t) => {
  const { d, api, ctl } = await daemon({});
  t.after(() => d.stop());
  await registered(api, 1);
  const events: string[] = [];
  d.calls.on('call-started', (c) => events.push(`started ${c.id}`));
  d.calls.on('call-ended', (c) => events.push(`ended ${c.id} ${c.outcome()}`));

  const ok = await post(`${api}/api/lines/1/test-call`, { number: '+8613912345678', seconds: 1 });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.answered, true);
  const first = (await get(`${api}/api/calls`)).body;
  assert.equal(first.total, 1);
  const placed = first.items[0];
  assert.deepEqual([placed.direction, placed.outcome, placed.cause, placed.number, placed.durationSec], ['out', 'answered', 'normal', '+8613912345678', ok.body.durationSec]);
  assert.equal(placed.id, `1:${Date.parse(placed.setupAt)}`, 'the record id is the line and the start time, as the policy counts it');

  // From now on no SIM of line 1 may call.
  const none = { callCount: '0' };
  const patch = await fetch(`${api}/api/policy`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ slotLimits: { '1/A': none, '1/B': none, '1/C': none, '1/D': none } }),
  });
  assert.equal(patch.status, 200);
  const refused = await post(`${api}/api/lines/1/test-call`, { number: '+8613912345678', seconds: 1 });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /^line 1 may not call: /);
  const list = (await get(`${api}/api/calls?limit=1`)).body;
  assert.equal(list.total, 2);
  const r = list.items[0];
  assert.deepEqual([r.outcome, r.cause, r.direction, r.line, r.durationSec, r.billedSec], ['refused', 'refused', 'out', 1, 0, 0]);
  assert.match(r.causes.gateway, /^refused: /);
  assert.equal(r.origin, 'api:admin');
  assert.deepEqual(events.slice(-2), [`started ${r.id}`, `ended ${r.id} refused`]);
  const sims = (await get(`${api}/api/sims`)).body;
  assert.equal(sims.lines[0].slots.reduce((n: number, s: any) => n + s.total.calls, 0), 1, 'the refused call is not counted');
  // The network saw one call from the SIM: the refused one never reached the modem.
  const network = (await (await fetch(`${ctl}/calls`)).json()) as { calls: { direction: string }[] };
  assert.equal(network.calls.filter((c) => c.direction === 'from-sim').length, 1);
});

test('on a SIMCom line, a call hung up here and the next dialled at once: the second call is not ended by the first one\'s end', { timeout: 60_000 }, async (t) => {
  // The simulator's second modem is a SIM7600: AT+CHUP answers with VOICE CALL: END inside its reply.
  const { d, api } = await daemon({ simulator: { mode: 'auto', modems: 2, timing: 'fast', controlPort: 0 } });
  t.after(() => d.stop());
  const lines = [await registered(api, 1), await registered(api, 2)];
  const simcom = lines.find((l) => /SIM7600/.test(l.modem.model ?? ''));
  assert.ok(simcom, `no SIM7600 line: ${JSON.stringify(lines.map((l) => l.modem))}`);
  const id = simcom.id;
  const ended: Call[] = [];
  d.calls.on('call-ended', (c) => ended.push(c));

  const first = await post(`${api}/api/lines/${id}/test-call`, { number: '+8613912345678', seconds: 1 });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.answered, true);
  // Dialled well inside the 500 ms the driver gives a VOICE CALL: END to be followed by NO CARRIER.
  const second = await post(`${api}/api/lines/${id}/test-call`, { number: '+8613912345679', seconds: 1 });
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.equal(second.body.answered, true, `second call: ${JSON.stringify(second.body)}`);
  assert.equal(second.body.endReason, null, 'ended by our hang-up, not by a modem report');
  assert.equal(ended.length, 2);
  for (const c of ended) {
    assert.equal(c.outcome(), 'answered');
    assert.equal(c.gsm.cause, null);
  }
});
