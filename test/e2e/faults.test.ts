/**
 * Acceptance (issue 3): every fault the simulator can inject, and how the daemon's line reacts — detected,
 * recovered, nothing lost. The daemon runs in this process on simulated modems (demo mode, fast timing),
 * faults are injected through the simulator's control API and the line is watched through the JSON API.
 * "Nothing lost": an SMS sent to the SIM while the fault lasts is on the modem afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { silentLogger } from '../../src/util/log.js';
import type { LineStatus } from '../../src/line/types.js';

const FAST = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 500, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };

let d: Daemon;
let api: string;
let ctl: string;
let auth: Record<string, string>;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-faults-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: 3, timing: 'fast', controlPort: 0 } }));
  d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: new Writable({ write: (_c, _e, cb) => cb() }), lines: { timing: FAST } });
  await d.auth.setPassword('admin', 'fault-test-password');
  auth = { authorization: 'Basic ' + Buffer.from('admin:fault-test-password').toString('base64') };
  api = `http://127.0.0.1:${d.port}`;
  ctl = d.control!.url;
  for (const id of [1, 2, 3]) await waitLine(id, 'registered', (l) => l.lifecycle === 'registered' && l.operator !== null);
});

after(async () => {
  await d.stop();
});

async function line(id: number): Promise<LineStatus> {
  const r = await fetch(`${api}/api/lines/${id}`, { headers: auth });
  assert.equal(r.status, 200);
  return (await r.json()) as LineStatus;
}

async function waitLine(id: number, what: string, cond: (l: LineStatus) => boolean, timeoutMs = 10_000): Promise<LineStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const l = await line(id);
    if (cond(l)) return l;
    if (Date.now() > end) throw new Error(`line ${id}: timed out waiting for ${what}; now ${JSON.stringify({ lifecycle: l.lifecycle, health: l.health, detail: l.detail })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const r = await fetch(ctl + path, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  const j = await r.json();
  assert.equal(r.status, 200, JSON.stringify(j));
  return j;
}

/**
 * Texts of the SMS the line received: the receiver reads each one from the modem, stores it durably in
 * the inbox and only then deletes it from the modem, so the inbox is where a kept SMS is.
 */
async function storedTexts(id: number): Promise<string[]> {
  const r = await fetch(`${api}/api/sms/inbox?line=${id}&limit=1000`, { headers: auth });
  assert.equal(r.status, 200);
  const page = (await r.json()) as { items: { text: string }[] };
  return page.items.map((m) => m.text);
}

async function smsDuringFault(id: number, text: string): Promise<void> {
  const l = await line(id);
  await control('POST', '/sms', { from: '+8613912345678', to: l.sim.number, text });
}

async function expectStored(id: number, text: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await storedTexts(id)).includes(text)) {
    if (Date.now() > end) throw new Error(`"${text}" not in the inbox of line ${id}: ${JSON.stringify(await storedTexts(id))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('stop answering: detected, power-cycled, registered again; line 2 undisturbed; an SMS sent meanwhile is kept', async () => {
  const before2 = await line(2);
  await control('POST', '/modems/1/faults', { fault: 'hang' });
  await smsDuringFault(1, 'sent while hung');
  const t0 = Date.now();
  await waitLine(1, 'resetting', (l) => l.health === 'resetting' || l.resets > 0);
  const detectMs = Date.now() - t0;
  const l = await waitLine(1, 'registered again', (x) => x.lifecycle === 'registered' && x.health === 'ok' && x.resets === 1);
  assert.match(l.lastReset!.reason, /no answer/);
  assert.ok(detectMs < 5000, `detected after ${detectMs} ms (unresponsiveAfterMs 1500)`);
  const l2 = await line(2);
  assert.equal(l2.lifecycle, 'registered');
  assert.equal(l2.resets, before2.resets);
  await expectStored(1, 'sent while hung');
});

test('stuck "> " prompt: the channel leaves it with ESC, the line stays registered, no reset', async () => {
  const before = await line(2);
  await control('POST', '/modems/2/faults', { fault: 'stuck-prompt' });
  await smsDuringFault(2, 'sent during stuck prompt');
  await new Promise((r) => setTimeout(r, 1500));
  const l = await line(2);
  assert.equal(l.lifecycle, 'registered');
  assert.equal(l.health, 'ok');
  assert.equal(l.resets, before.resets);
  await expectStored(2, 'sent during stuck prompt');
});

test('garbage bytes: skipped (counted), the line goes on, no reset', async () => {
  const before = await line(3);
  for (let i = 0; i < 5; i++) await control('POST', '/modems/3/faults', { fault: 'garbage' });
  const l = await waitLine(3, 'garbage counted', (x) => x.at.garbageBytes > before.at.garbageBytes);
  await new Promise((r) => setTimeout(r, 600));
  const after = await line(3);
  assert.equal(after.lifecycle, 'registered');
  assert.equal(after.health, 'ok');
  assert.equal(after.resets, before.resets);
  assert.ok(l.at.garbageBytes > before.at.garbageBytes);
});

test('+CME ERROR on a chosen command: the polls fail, the line goes on, no reset, and reads the signal again', async () => {
  const before = await line(3);
  await control('POST', `/sims/${before.sim.imsi}/signal`, { rssi: 11 });
  await control('POST', '/modems/3/faults', { fault: 'fail-command', command: 'AT+CSQ', times: 3 });
  const failed = await waitLine(3, 'three failed polls', (x) => x.at.errors >= before.at.errors + 3);
  assert.equal(failed.lifecycle, 'registered');
  const l = await waitLine(3, 'signal read again', (x) => x.signal === 11);
  assert.equal(l.resets, before.resets);
  assert.equal(l.health, 'ok');
});

test('spontaneous reset: the line sees the port go, brings the modem up again; an SMS sent meanwhile is kept', async () => {
  await control('POST', '/modems/3/faults', { fault: 'reset' });
  await waitLine(3, 'not registered', (l) => l.lifecycle !== 'registered' || l.health !== 'ok', 3000);
  await smsDuringFault(3, 'sent during reboot');
  await waitLine(3, 'registered again', (l) => l.lifecycle === 'registered' && l.health === 'ok');
  await expectStored(3, 'sent during reboot');
});

test('registration denied: health denied, back to registered when the network relents', async () => {
  const l = await line(2);
  const imsi = l.sim.imsi!;
  await control('POST', `/sims/${imsi}/registration`, { state: 'denied' });
  const denied = await waitLine(2, 'denied', (x) => x.health === 'denied');
  assert.equal(denied.reg, 'N');
  await control('POST', `/sims/${imsi}/registration`, { state: null });
  await waitLine(2, 'registered', (x) => x.lifecycle === 'registered' && x.health === 'ok' && x.operator !== null);
});

test('signal change shows on the line', async () => {
  const l = await line(2);
  await control('POST', `/sims/${l.sim.imsi}/signal`, { rssi: 7 });
  const x = await waitLine(2, 'rssi 7', (y) => y.signal === 7);
  assert.equal(x.signalDbm, -99);
});

test('SIM removed from the bound slot: the SIM policy moves the line to another card; put back: usable again', async () => {
  const m = await control('GET', '/modems/2');
  const card = m.sims.find((s: { slot: string }) => s.slot === 'A');
  await control('POST', '/modems/2/sims/A', { remove: true });
  const moved = await waitLine(2, 'on another slot', (x) => x.slot !== 'A' && x.lifecycle === 'registered');
  assert.notEqual(moved.sim.iccid, card.iccid);
  await control('POST', '/modems/2/sims/A', {
    sim: { iccid: card.iccid, imsi: card.imsi, number: card.number, pin: null, plmn: card.imsi.slice(0, 5), smsc: '+8613800100500' },
  });
  const sims = (await (await fetch(`${api}/api/sims`, { headers: auth })).json()) as { lines: { line: number; slots: { slot: string; status: string }[] }[] };
  assert.notEqual(sims.lines.find((l) => l.line === 2)!.slots.find((x) => x.slot === 'A')!.status, 'empty');
  await waitLine(2, 'still registered', (x) => x.lifecycle === 'registered' && x.health === 'ok');
});

test('USB disappearance and return under another device path: absent, then found again by IMEI', async () => {
  const before = await line(1);
  await control('POST', '/modems/1/faults', { fault: 'unplug', ms: 800, newPath: '/dev/ttySIM91' });
  await waitLine(1, 'absent', (l) => l.health === 'absent');
  await smsDuringFault(1, 'sent while unplugged');
  const l = await waitLine(1, 'back', (x) => x.lifecycle === 'registered' && x.health === 'ok');
  assert.equal(l.modem.port, '/dev/ttySIM91');
  assert.equal(l.modem.imei, before.modem.imei);
  assert.equal(l.resets, before.resets, 'a vanished port is not an unresponsive-modem reset');
  await expectStored(1, 'sent while unplugged');
});
