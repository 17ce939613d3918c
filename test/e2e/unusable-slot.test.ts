/**
 * The field case of a line stuck `sim-locked` for good (docs/decisions/0017-unusable-slots.md), on
 * simulated modems through the daemon: SIM B is removed, the policy moves the line to slot C whose card
 * needs a PIN nobody configured (modem 2's slot C has PIN 1234, docs/simulator.md); the line must end
 * registered on slot D, /api/sims must show C unusable with its reason, and a card put back into B
 * must make B a candidate again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon } from '../../src/app.js';
import { silentLogger } from '../../src/util/log.js';
import type { LineStatus } from '../../src/line/types.js';

const FAST = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
const auth = { authorization: 'Basic ' + Buffer.from('admin:unusable-test-password').toString('base64') };

test('SIM B removed → slot C needs a PIN none configured → the line ends registered on D; C shows unusable; a card back in B is a candidate again', { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-unusable-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: 2, timing: 'fast', controlPort: 0 } }));
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: new Writable({ write: (_c, _e, cb) => cb() }), lines: { timing: FAST } });
  t.after(() => d.stop());
  await d.auth.setPassword('admin', 'unusable-test-password');
  const api = `http://127.0.0.1:${d.port}`;
  const control = d.control!.url;
  const get = async (path: string) => (await fetch(`${api}/api${path}`, { headers: auth })).json() as Promise<any>;
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 200, `${url}: ${await r.clone().text()}`);
    return r.json() as Promise<any>;
  };
  const waitLine = async (cond: (l: LineStatus) => boolean, what: string, timeoutMs = 20_000): Promise<LineStatus> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const l = (await get('/lines/2')) as LineStatus;
      if (cond(l)) return l;
      if (Date.now() > end) throw new Error(`line 2 not ${what} within ${timeoutMs} ms; now ${JSON.stringify({ lifecycle: l.lifecycle, health: l.health, slot: l.slot, detail: l.detail })}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const slotOf = async (slot: string) => ((await get('/sims')).lines.find((x: any) => x.line === 2).slots as any[]).find((x) => x.slot === slot);

  await waitLine((l) => l.lifecycle === 'registered' && l.slot === 'A', 'registered on A');
  await post(`${api}/api/lines/2/switch`, { slot: 'B' }, auth);
  await waitLine((l) => l.lifecycle === 'registered' && l.slot === 'B', 'registered on B');

  // The field case: B's card taken out; the sequential strategy goes to C, whose card needs PIN 1234.
  await post(`${control}/modems/2/sims/B`, { remove: true });
  const started = Date.now();
  const onD = await waitLine((l) => l.lifecycle === 'registered' && l.slot === 'D', 'registered on D');
  assert.equal(onD.health, 'ok');
  assert.ok(Date.now() - started < 20_000);
  const sims = await get('/sims');
  assert.equal(sims.lines.find((x: any) => x.line === 2).bound, 'D');
  const c = await slotOf('C');
  assert.equal(c.status, 'unusable');
  assert.equal(c.colour, 'orange');
  assert.equal(c.unusable.reason, 'pin-required');
  assert.match(c.unusable.detail, /needs a PIN; none configured \(lines\[\]\.pins\.C\)/);
  assert.equal((await slotOf('B')).colour, 'grey');
  assert.equal((await slotOf('D')).colour, 'blue');

  // A card goes back into B (card-detect): B is a candidate again, and the line can be moved there.
  await post(`${control}/modems/2/sims/B`, { sim: { iccid: '89860000000000000299', imsi: '460000002999999', number: '+8613800029999', plmn: '46000' } });
  const b = await slotOf('B');
  assert.equal(b.status, 'standby');
  assert.equal(b.colour, 'green');
  assert.equal(b.unusable, null);
  assert.equal((await slotOf('C')).status, 'unusable', 'C keeps its mark until its own card changes');
  await post(`${api}/api/lines/2/switch`, { slot: 'B' }, auth);
  await waitLine((l) => l.lifecycle === 'registered' && l.slot === 'B', 'registered on the new card in B');
});
