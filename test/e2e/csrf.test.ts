/**
 * Cross-site request forgery through the daemon: the CSRF matrix over every state-changing route the
 * daemon mounts (its own route list, so routes added later are covered), and the field-test case of
 * a form on another site closing a line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { silentLogger } from '../../src/util/log.js';
import { runCsrfMatrix, send, stateChanging } from '../web/csrf-matrix.js';
import { basic, loginSession } from '../web/harness.js';

const PASSWORD = 'csrf-test-password';

async function daemon(): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-csrf-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'on', modems: 4, timing: 'fast', controlPort: 0 } }));
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), logLevel: 'silent', out: new Writable({ write: (_c, _e, cb) => cb() }) });
  await d.auth.setPassword('admin', PASSWORD);
  return d;
}

test('CSRF matrix over every state-changing route the daemon mounts', { timeout: 120_000 }, async (t) => {
  const d = await daemon();
  t.after(() => d.stop());
  const base = `http://127.0.0.1:${d.port}`;
  const covered = await runCsrfMatrix({ port: d.port, routes: d.routes, basic: basic('admin', PASSWORD), login: () => loginSession(base, 'admin', PASSWORD) });

  assert.equal(covered.length, stateChanging(d.routes).length);
  // The route tables of api-routes, line-routes, sms-routes and ussd-routes are all in the list.
  for (const route of [
    'POST /api/login',
    'POST /api/logout',
    'POST /api/lines/:id/disable',
    'POST /api/lines/:id/enable',
    'POST /api/lines/:id/slots/:slot/enable',
    'POST /api/lines/:id/slots/:slot/disable',
    'POST /api/lines/:id/switch',
    'PUT /api/policy',
    'POST /api/sms',
    'DELETE /api/sms/inbox/:id',
    'PUT /api/smpp/accounts',
    'POST /api/lines/:id/ussd',
    'DELETE /api/lines/:id/ussd',
    'POST /api/lines/:id/own-number',
    'PUT /api/sims/:iccid/number',
  ]) {
    assert.ok(covered.includes(route), `${route} is covered`);
  }
});

test('a form on another site cannot close a line, with Basic credentials or a session cookie', { timeout: 60_000 }, async (t) => {
  const d = await daemon();
  t.after(() => d.stop());
  const base = `http://127.0.0.1:${d.port}`;
  const form = { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' };
  const { cookie, csrfToken } = await loginSession(base, 'admin', PASSWORD);

  const viaBasic = await send(d.port, 'POST', '/api/lines/4/disable', { ...form, authorization: basic('admin', PASSWORD) }, 'a=b');
  assert.equal(viaBasic.status, 403);
  const viaCookie = await send(d.port, 'POST', '/api/lines/4/disable', { ...form, cookie }, 'a=b');
  assert.equal(viaCookie.status, 403);
  assert.equal(d.lines.get(4)?.status().enabled, true, 'the line is still open');

  const script = await send(d.port, 'POST', '/api/lines/4/disable', { authorization: basic('admin', PASSWORD) });
  assert.equal(script.status, 200, 'a script with Basic credentials and no body still works');
  assert.equal(d.lines.get(4)?.status().enabled, false);
  const ui = await send(d.port, 'POST', '/api/lines/4/enable', { cookie, 'x-csrf-token': csrfToken, origin: base, 'content-type': 'application/json' }, '{}');
  assert.equal(ui.status, 200, 'the operator UI with its session and token works');
  assert.equal(d.lines.get(4)?.status().enabled, true);
});
