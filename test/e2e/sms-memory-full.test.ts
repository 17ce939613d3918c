/**
 * A line whose modem hangs while SMS keep arriving until its message memory is full (daemon in demo
 * mode, simulated modems and network, faults through the simulator's control API). The network then
 * keeps the next SMS (the modem refused it, RP-Cause 22) and the sender's status report is not
 * "delivered". Once the line has reset the modem and registered again the SMS receiver sweeps the
 * storage at once; the freed memory brings the modem's RP-SMMA, the network delivers the kept SMS, it
 * lands in the inbox, and only then does the sender's message become "delivered".
 *
 * Line 1 (modem 1, EC25) sends; line 2 (modem 2, SIM7600: 23 slots of "ME" memory) receives.
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

/** A hang is noticed after 5 s: time enough to fill the memory and send while the modem is hung. */
const LINES = { probeIntervalMs: 200, unresponsiveAfterMs: 5000, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
const ME_SLOTS = 23;

let d: Daemon;
let api: string;
let ctl: string;
let auth: Record<string, string>;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-memfull-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, sms: { statusReports: true }, simulator: { mode: 'auto', modems: 2, timing: 'fast', controlPort: 0 } }));
  d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: new Writable({ write: (_c, _e, cb) => cb() }), lines: { timing: LINES } });
  await d.auth.setPassword('admin', 'memfull-test-password');
  auth = { authorization: 'Basic ' + Buffer.from('admin:memfull-test-password').toString('base64') };
  api = `http://127.0.0.1:${d.port}/api`;
  ctl = d.control!.url.replace(/\/$/, '');
  for (const id of [1, 2]) await until(`line ${id} registered`, () => line(id), (l) => l.lifecycle === 'registered' && l.operator !== null);
});

after(async () => {
  await d.stop();
});

async function get(url: string, headers: Record<string, string> = {}): Promise<any> {
  const r = await fetch(url, { headers });
  assert.equal(r.status, 200, url);
  return r.json();
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const j = await r.json();
  assert.ok(r.status === 200 || r.status === 202, `${url}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

const line = (id: number): Promise<LineStatus> => get(`${api}/lines/${id}`, auth);

async function until<T>(what: string, read: () => Promise<T>, cond: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (cond(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscriber(imsi: string): Promise<{ memoryFull: boolean; stored: number }> {
  const sims = (await get(`${ctl}/sims`)).sims as { imsi: string; memoryFull: boolean; stored: number }[];
  return sims.find((s) => s.imsi === imsi)!;
}

async function inboxTexts(id: number): Promise<string[]> {
  const page = (await get(`${api}/sms/inbox?line=${id}&limit=1000`, auth)) as { items: { text: string }[] };
  return page.items.map((m) => m.text);
}

test('memory filled while the line is hung: the SMS waits in the network, not "delivered"; after the reset the sweep frees memory, it arrives, then "delivered"', { timeout: 60_000 }, async () => {
  const receiver = await line(2);
  const imsi = receiver.sim.imsi!;
  await post(`${ctl}/modems/2/faults`, { fault: 'hang' });
  for (let i = 0; i < ME_SLOTS; i++) await post(`${ctl}/sms`, { from: '+8613912345678', to: receiver.sim.number, text: `filler ${i}` });
  await until('the modem memory full', () => get(`${ctl}/modems/2`), (m) => m.storedSms >= ME_SLOTS);

  const sent = await post(`${api}/sms`, { to: receiver.sim.number, text: 'waits for free memory', line: 1 }, auth);
  await until('the network to keep the SMS for a full memory', () => subscriber(imsi), (s) => s.memoryFull && s.stored === 1);
  const during = await get(`${api}/sms/${sent.id}`, auth);
  assert.equal(during.status, 'sent', `not delivered while kept by the network: ${JSON.stringify(during)}`);
  assert.equal((await line(2)).resets, 0, 'all of this happened while the modem was hung');
  assert.ok(!(await inboxTexts(2)).includes('waits for free memory'));

  await until('line 2 reset and registered again', () => line(2), (l) => l.resets === 1 && l.lifecycle === 'registered');
  const texts = await until('the kept SMS in the inbox', () => inboxTexts(2), (t) => t.includes('waits for free memory'), 10_000);
  for (let i = 0; i < ME_SLOTS; i++) assert.ok(texts.includes(`filler ${i}`), `filler ${i} swept into the inbox`);
  const done = await until('the sender to see "delivered"', () => get(`${api}/sms/${sent.id}`, auth), (m) => m.status !== 'sent', 10_000);
  assert.equal(done.status, 'delivered');
  assert.equal((await subscriber(imsi)).memoryFull, false);
});
