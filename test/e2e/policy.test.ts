/**
 * Issue 4 end to end on simulated modems through the daemon: SIM rotation by rule, driven by the call-test
 * tool of the JSON API (§5.9), with counters kept in the durable store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { createLogger, silentLogger, type Logger } from '../../src/util/log.js';
import type { LineStatus } from '../../src/line/types.js';

const FAST = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
let d: Daemon;
let api: string;
const auth = { authorization: 'Basic ' + Buffer.from('admin:policy-test-password').toString('base64') };

/** A daemon in demo mode (2 simulated modems, fast timing) with the given policy section. */
async function daemon(policy: unknown, log: Logger = silentLogger()): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-policy-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: 2, timing: 'fast', controlPort: 0 }, policy }),
  );
  const x = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log, out: new Writable({ write: (_c, _e, cb) => cb() }), lines: { timing: FAST } });
  await x.auth.setPassword('admin', 'policy-test-password');
  return x;
}

async function use(x: Daemon): Promise<void> {
  d = x;
  api = `http://127.0.0.1:${d.port}`;
  for (const id of [1, 2]) await waitLine(id, (l) => l.lifecycle === 'registered' && l.operator !== null);
}

async function line(id: number): Promise<LineStatus> {
  return (await (await fetch(`${api}/api/lines/${id}`, { headers: auth })).json()) as LineStatus;
}

async function waitLine(id: number, cond: (l: LineStatus) => boolean, timeoutMs = 15_000): Promise<LineStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const l = await line(id);
    if (cond(l)) return l;
    if (Date.now() > end) throw new Error(`line ${id}: condition not met; now ${JSON.stringify({ lifecycle: l.lifecycle, health: l.health, slot: l.slot, detail: l.detail })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function testCall(id: number, number: string, seconds: number): Promise<{ status: number; body: any }> {
  const r = await fetch(`${api}/api/lines/${id}/test-call`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ number, seconds }) });
  return { status: r.status, body: await r.json() };
}

async function sims(): Promise<any> {
  return (await fetch(`${api}/api/sims`, { headers: auth })).json();
}

test('"switch after 2 calls": two test calls on slot A, then the line moves to slot B', async (t) => {
  await use(await daemon({ switchRules: { strategy: 'sequential', triggers: { calls: 2 } } }));
  t.after(() => d.stop());
  assert.equal((await line(1)).slot, 'A');
  for (let i = 0; i < 2; i++) {
    const r = await testCall(1, '+8613912345678', 1);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.answered, true);
    assert.equal(r.body.slot, 'A');
  }
  const l = await waitLine(1, (x) => x.slot === 'B' && x.lifecycle === 'registered');
  assert.equal(l.health, 'ok');
  const s = await sims();
  const l1 = s.lines.find((x: any) => x.line === 1);
  assert.equal(l1.bound, 'B');
  const a = l1.slots.find((x: any) => x.slot === 'A');
  assert.equal(a.total.calls, 2);
  assert.equal(a.total.connected, 2);
  assert.equal(a.colour, 'green');
  assert.equal(l1.slots.find((x: any) => x.slot === 'B').colour, 'blue');
  // the CDRs are in the durable store
  assert.equal(d.store.totals({ line: '1' }).calls, 2);
  // bad requests get clear errors
  assert.equal((await testCall(1, 'abc', 1)).status, 400);
  assert.match((await testCall(1, '123', 9999)).body.error, /seconds: expected an integer from 0 to 600/);
  assert.equal((await testCall(99, '123', 1)).status, 404);
});

test('three unanswered calls in a row disable the SIM (red) and the line moves on', { timeout: 60_000 }, async (t) => {
  await use(await daemon({ disableRules: [{ trigger: 'consecutive-no-answer', threshold: 3, disableMinutes: 'manual' }] }));
  t.after(() => d.stop());
  const before = await line(2);
  assert.equal(before.slot, 'A');
  for (let i = 0; i < 3; i++) {
    const r = await testCall(2, '+8613912349999', 1); // outside number ending 9999: rings, never answers
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.answered, false);
  }
  const l = await waitLine(2, (x) => x.slot !== 'A' && x.lifecycle === 'registered');
  const s = await sims();
  const l2 = s.lines.find((x: any) => x.line === 2);
  const a = l2.slots.find((x: any) => x.slot === 'A');
  assert.equal(a.colour, 'red');
  assert.equal(a.status, 'disabled');
  assert.equal(a.consecutive.noAnswer, 3);
  assert.equal(l2.bound, l.slot);
});

test('operator actions: disable a SIM (red, the line moves away), re-enable it, force a switch back, reset its statistics', { timeout: 60_000 }, async (t) => {
  await use(await daemon({}));
  t.after(() => d.stop());
  const post = (path: string, b?: unknown) =>
    fetch(`${api}/api${path}`, { method: 'POST', headers: { ...auth, ...(b ? { 'content-type': 'application/json' } : {}) }, ...(b ? { body: JSON.stringify(b) } : {}) });
  assert.equal((await testCall(1, '+8613912345678', 1)).status, 200);

  assert.equal((await post('/lines/1/slots/A/disable', {})).status, 200);
  await waitLine(1, (x) => x.slot !== 'A' && x.lifecycle === 'registered');
  let a = (await sims()).lines[0].slots[0];
  assert.equal(a.colour, 'red');

  assert.equal((await post('/lines/1/slots/A/enable')).status, 200);
  a = (await sims()).lines[0].slots[0];
  assert.notEqual(a.colour, 'red');
  assert.equal((await post('/lines/1/switch', { slot: 'A' })).status, 200);
  await waitLine(1, (x) => x.slot === 'A' && x.lifecycle === 'registered');

  assert.equal((await sims()).lines[0].slots[0].total.calls, 1);
  assert.equal((await post('/sims/reset', { line: 1, slots: ['A'], what: 'cdr' })).status, 200);
  assert.equal((await sims()).lines[0].slots[0].total.calls, 0);

  assert.equal((await post('/lines/1/slots/E/disable', {})).status, 400);
  assert.equal((await post('/sims/reset', { line: 1, slots: ['A'], what: 'everything' })).status, 400);
});

test('an operator switch through the API shows the line switching (never absent, no warnings) until it is ok on the new slot', { timeout: 60_000 }, async (t) => {
  const logged: { level: number; line?: number; msg: string }[] = [];
  const log = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (logged.push(JSON.parse(String(c))), cb()) }) });
  await use(await daemon({}, log));
  t.after(() => d.stop());
  assert.equal((await line(1)).slot, 'A');
  // Every status the line goes through, as the daemon holds it, and as the API shows it while polled.
  const seen: { health: string; detail: string | null }[] = [];
  const line1 = d.lines.get(1)!;
  line1.on('status', () => {
    const s = line1.status();
    const last = seen[seen.length - 1];
    if (!last || last.health !== s.health || last.detail !== s.detail) seen.push({ health: s.health, detail: s.detail });
  });
  const polled = new Set<string>();
  const since = logged.length;
  const r = await fetch(`${api}/api/lines/1/switch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ slot: 'B' }) });
  assert.equal(r.status, 200);
  const l = await waitLine(1, (x) => {
    polled.add(x.health);
    return x.slot === 'B' && x.lifecycle === 'registered';
  });
  assert.equal(l.health, 'ok');
  assert.ok(polled.has('switching'), `the API showed switching: ${[...polled].join(', ')}`);
  assert.ok(!polled.has('absent'));
  const healths = seen.map((x) => x.health);
  assert.ok(!healths.includes('absent'), JSON.stringify(seen));
  assert.equal(healths[0], 'switching');
  const firstOk = healths.indexOf('ok');
  assert.ok(firstOk > 0 && healths.slice(0, firstOk).every((h) => h === 'switching'), JSON.stringify(seen));
  assert.deepEqual([...new Set(seen.filter((x) => x.health === 'switching').map((x) => x.detail))], ['switching from SIM slot A to slot B']);
  const warnings = logged.slice(since).filter((e) => e.level >= 40 && e.line === 1);
  assert.deepEqual(warnings.map((e) => e.msg), [], 'a slot change logs nothing at warn level or above');
});

test('data connectivity check: the simulated modem fetches a local URL through its own data connection; errors are reported', { timeout: 60_000 }, async (t) => {
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    res.writeHead(req.url === '/generate_204' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  await use(await daemon({}));
  t.after(() => d.stop());
  const check = async (id: number, b: unknown) => {
    const r = await fetch(`${api}/api/lines/${id}/data-check`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, body: (await r.json()) as any };
  };
  for (const id of [1, 2]) {
    // line 1 is a Quectel EC25 (AT+QHTTPGET), line 2 a SIMCom SIM7600 (AT+HTTPACTION)
    const ok = await check(id, { url: `http://127.0.0.1:${port}/generate_204`, apn: 'cmnet' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.ok, true);
    assert.equal(ok.body.status, 204);
    assert.ok(ok.body.ms >= 0);
    const missing = await check(id, { url: `http://127.0.0.1:${port}/nope` });
    assert.equal(missing.body.status, 404);
    assert.equal(missing.body.ok, false);
  }
  const refused = await check(1, { url: 'http://127.0.0.1:1/' });
  assert.equal(refused.body.ok, false);
  assert.match(refused.body.error, /.+/);
  assert.equal((await line(1)).dataCheck?.error, refused.body.error);
  assert.equal((await check(1, { url: 'ftp://x' })).status, 400);
  assert.equal((await check(1, {})).status, 409); // no URL configured or given
});

test('limits and rules through the API: validated with field-level errors, written to the configuration, applied at once', { timeout: 60_000 }, async (t) => {
  await use(await daemon({}));
  t.after(() => d.stop());
  const send = async (method: 'PUT' | 'PATCH', b: unknown) => {
    const r = await fetch(`${api}/api/policy`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, body: (await r.json()) as any };
  };
  // PUT replaces the whole policy: {} would have reset every section to its default
  const empty = await send('PUT', {});
  assert.equal(empty.status, 400);
  assert.match(empty.body.error, /^incomplete policy: missing billingPeriodSec, /);
  const bad = await send('PATCH', { limits: { callMinutes: '05:00-25:00,100' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /policy\.limits\.callMinutes: .*25/);
  const ok = await send('PATCH', { limits: { callCount: '1' }, switchRules: { switchWhenExhausted: false } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.limits.callCount, '1');
  // durable: the configuration file holds it
  assert.equal(d.config.get().policy.limits.callCount, '1');
  // applied: one call allowed on the bound SIM, the second refused with the reason
  assert.equal((await testCall(1, '+8613912345678', 0)).status, 200);
  const refused = await testCall(1, '+8613912345678', 0);
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /may not call/);
  const got = (await (await fetch(`${api}/api/policy`, { headers: auth })).json()) as any;
  assert.equal(got.limits.callCount, '1');
  const s = await sims();
  assert.equal(s.lines[0].slots[0].remaining.callCount, 0);
});

test('a new card (other ICCID) in a disabled slot shows brown and resets the slot\'s remaining counts; enabling confirms it', { timeout: 60_000 }, async (t) => {
  await use(await daemon({ limits: { callCount: '5' } }));
  t.after(() => d.stop());
  const post = (path: string, b?: unknown) =>
    fetch(`${api}/api${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(b ?? {}) });
  assert.equal((await testCall(1, '+8613912345678', 0)).status, 200);
  const slotA = async () => (await sims()).lines[0].slots[0];
  assert.equal((await slotA()).remaining.callCount, 4);
  assert.equal((await post('/lines/1/slots/A/disable')).status, 200);
  await waitLine(1, (x) => x.slot !== 'A' && x.lifecycle === 'registered');
  assert.equal((await slotA()).colour, 'red');

  // a different card goes into slot A (through the simulator's control API: the holder's card-detect)
  const ctl = d.control!.url;
  const r = await fetch(`${ctl}/modems/1/sims/A`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sim: { iccid: '89860099999999999990', imsi: '460009999999999', number: '+8613899999999', pin: null, plmn: '46000' } }),
  });
  assert.equal(r.status, 200);
  let a = await slotA();
  for (let i = 0; i < 50 && a.colour !== 'brown'; i++) {
    await new Promise((res) => setTimeout(res, 50));
    a = await slotA();
  }
  assert.equal(a.colour, 'brown');
  assert.equal(a.remaining.callCount, 5, 'the new card starts with the full allowance');
  assert.equal((await post('/lines/1/slots/A/enable')).status, 200);
  assert.equal((await slotA()).colour, 'green');
});

test('an SMS limit of 1: the first SMS goes out and arrives, the second is refused with a clear error', { timeout: 60_000 }, async (t) => {
  await use(await daemon({ limits: { smsCount: '1' }, onSmsExhausted: 'block-sms' }));
  t.after(() => d.stop());
  const send = async (text: string) => {
    const r = await fetch(`${api}/api/lines/1/sms`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ to: '+86138000201', text }) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const first = await send('first message');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.parts, 1);
  // it reached line 2's SIM in the simulated network
  const ctl = d.control!.url;
  const imsi = (await line(2)).sim.imsi;
  let got = false;
  for (let i = 0; i < 100 && !got; i++) {
    const log = (await (await fetch(`${ctl}/sims/${imsi}/log`)).json()) as { received: { text: string }[] };
    got = log.received.some((m) => m.text === 'first message');
    if (!got) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(got, 'the SMS reached the destination SIM');
  const second = await send('second message');
  assert.equal(second.status, 409);
  assert.match(second.body.error, /line 1 may not send SMS: .*SMS/i);
  const a = (await sims()).lines[0].slots[0];
  assert.equal(a.remaining.smsCount, 0);
  assert.equal(a.today.sms, 1);
  assert.equal(d.store.totals({ line: '1' }).sms, 1);
  assert.equal((await send('')).status, 400);
});

test('per-slot limits, line selection for outgoing calls, and disabling a line through the API', { timeout: 60_000 }, async (t) => {
  // no SIM of line 1 may make a call; line 2's SIMs are unlimited
  const none0 = { callCount: '0' };
  await use(await daemon({ slotLimits: { '1/A': none0, '1/B': none0, '1/C': none0, '1/D': none0 }, lineSelection: 'round-robin' }));
  t.after(() => d.stop());
  const post = async (path: string, b: unknown = {}) => {
    const r = await fetch(`${api}/api${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const s = await sims();
  assert.equal(s.lines[0].slots[0].remaining.callCount, 0);
  assert.equal(s.lines[1].slots[0].remaining.callCount, 'NO LIMIT');
  // line 1 still binds a SIM (it can receive) but may not call
  assert.equal((await line(1)).lifecycle, 'registered');
  const refused = await testCall(1, '+8613912345678', 0);
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /may not call/);
  // line selection skips line 1 (its SIM may not call): every test call lands on line 2
  for (let i = 0; i < 2; i++) {
    const r = await post('/test-call', { number: '+8613912345678', seconds: 0 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.line, 2);
  }
  // a disabled line is not selected either: no line left
  assert.deepEqual((await post('/lines/2/disable')).body, { line: 2, enabled: false });
  await waitLine(2, (x) => x.health === 'disabled');
  const none = await post('/test-call', { number: '+8613912345678', seconds: 0 });
  assert.equal(none.status, 409);
  assert.match(none.body.error, /no line can take a call/);
  assert.equal((await post('/lines/2/enable')).status, 200);
  await waitLine(2, (x) => x.lifecycle === 'registered' && x.health === 'ok');
});
