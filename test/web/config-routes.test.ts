/**
 * The configuration API (GET/PUT /api/config/:section): secrets redacted and kept when sent back
 * as the marker, field-level 400s, admin-only sections and settings, durable writes that keep the
 * file's mode, and the answer's "applied now / needs a restart".
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { REDACTED } from '../../src/config/secret-fields.js';
import { silentLogger } from '../../src/util/log.js';
import { openDaemonConfig } from '../../src/wiring/daemon-config.js';
import { appliesLive } from '../../src/wiring/live-settings.js';
import { changedPaths, configRoutes } from '../../src/web/config-routes.js';
import { ADMIN_PASSWORD, basic, json, startApp } from './harness.js';

const INITIAL = {
  device: { name: 'gw-1' },
  mail: { host: 'smtp.example.com', user: 'gw', password: 'mail-secret', from: 'gw@example.com' },
  smpp: { accounts: [{ systemId: 'esme1', password: 'pw1' }, { systemId: 'esme2', password: 'pw2' }] },
  security: { allowImeiWrite: true },
  lines: [{ id: 1, port: '/dev/ttyUSB2', pins: { A: '1234' } }],
};

async function setUp(t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-config-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(INITIAL), { mode: 0o600 });
  const config = await openDaemonConfig({ file, log: silentLogger() });
  const applied: [string, Config][] = [];
  const h = await startApp({ extraRoutes: (bodyLimit) => configRoutes({ config, bodyLimit, appliesLive, applied: (s, next) => applied.push([s, next]) }) });
  h.auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  t.after(() => h.close());
  const who = { admin: basic('admin', ADMIN_PASSWORD), user: basic('viewer', 'viewer-password'), sms: basic('texter', 'texter-password') };
  const call = async (method: 'GET' | 'PUT', p: string, as: keyof typeof who = 'admin', body?: unknown) => {
    const r = await fetch(`${h.base}/api${p}`, {
      method,
      headers: { authorization: who[as], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: r.status, body: await json(r) };
  };
  return { file, config, applied, call };
}

test('GET redacts every secret; PUT of what GET returned keeps the stored secrets', async (t) => {
  const { config, call } = await setUp(t);
  const whole = await call('GET', '/config');
  assert.equal(whole.status, 200);
  assert.equal(whole.body.mail.password, REDACTED);
  assert.deepEqual(whole.body.smpp.accounts.map((a: { password: string }) => a.password), [REDACTED, REDACTED]);
  assert.equal(whole.body.lines[0].pins.A, REDACTED);
  assert.ok(!JSON.stringify(whole.body).includes('mail-secret'));

  const smpp = await call('GET', '/config/smpp');
  assert.equal(smpp.status, 200);
  smpp.body.accounts[1].password = 'new2'; // one changed, the other sent back as the marker
  smpp.body.windowSize = 50;
  const put = await call('PUT', '/config/smpp', 'admin', smpp.body);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(config.get().smpp.accounts.map((a) => a.password), ['pw1', 'new2']);
  assert.deepEqual(put.body.value.accounts.map((a: { password: string }) => a.password), [REDACTED, REDACTED], 'the answer is redacted too');
  assert.deepEqual(put.body.changed, ['smpp.windowSize', 'smpp.accounts[1].password']);
  assert.deepEqual(put.body.appliedNow, ['smpp.accounts[1].password']);
  assert.deepEqual(put.body.needsRestart, ['smpp.windowSize']);

  const lines = await call('GET', '/config/lines');
  assert.equal((await call('PUT', '/config/lines', 'admin', lines.body)).status, 200);
  assert.equal(config.get().lines[0]!.pins.A, '1234', 'a PIN sent back as the marker is kept');
});

test('the marker where no secret is stored is a field error; so is any invalid value, field by field', async (t) => {
  const { config, call } = await setUp(t);
  const before = structuredClone(config.get());
  const smpp = (await call('GET', '/config/smpp')).body;
  smpp.accounts.push({ systemId: 'esme3', password: REDACTED });
  const marker = await call('PUT', '/config/smpp', 'admin', smpp);
  assert.equal(marker.status, 400);
  assert.deepEqual(marker.body.fields.map((f: { path: string }) => f.path), ['smpp.accounts[2].password']);

  const bad = await call('PUT', '/config/device', 'admin', { name: '', timezone: 'Mars/Base', colour: 'red' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /^invalid configuration: /);
  const paths = bad.body.fields.map((f: { path: string }) => f.path).sort();
  assert.deepEqual(paths, ['device.colour', 'device.name', 'device.timezone']);
  for (const f of bad.body.fields) assert.equal(typeof f.message, 'string');

  // Cross-field rules of the whole document apply too.
  const modems = (await call('GET', '/config/modems')).body;
  const cross = await call('PUT', '/config/modems', 'admin', { ...modems, unresponsiveAfterMs: 1000, probeIntervalMs: 2000 });
  assert.equal(cross.status, 400);
  assert.equal(cross.body.fields[0].path, 'modems.unresponsiveAfterMs');

  const weird = await call('PUT', '/config/device', 'admin', '{"name":');
  assert.equal(weird.status, 400);
  assert.deepEqual(config.get(), before, 'nothing was written');
});

test('refused sections and settings per role; unknown sections are 404', async (t) => {
  const { config, call } = await setUp(t);
  assert.equal((await call('GET', '/config/sip', 'user')).status, 403);
  assert.equal((await call('PUT', '/config/security', 'user', { allowImeiWrite: false })).status, 403);
  assert.equal((await call('GET', '/config/device', 'sms')).status, 403);
  assert.equal((await call('GET', '/config/users', 'admin')).status, 404, 'accounts are not in the configuration');
  assert.equal((await call('GET', '/config/auth', 'admin')).status, 404);
  assert.equal((await call('PUT', '/config/__proto__', 'admin', {})).status, 404);

  // Inside the lines section, IMEI writing stays with admins.
  const lines = (await call('GET', '/config/lines', 'user')).body;
  lines[0].imeiWrite = { mode: 'per-line', imei: '867223040012346' };
  const refused = await call('PUT', '/config/lines', 'user', lines);
  assert.equal(refused.status, 403);
  assert.match(refused.body.error, /lines\[\]\.imeiWrite/);
  assert.equal(config.get().lines[0]!.imeiWrite.mode, 'off');
  lines[0].imeiWrite = { mode: 'off' };
  lines[0].name = 'first';
  const ok = await call('PUT', '/config/lines', 'user', lines);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(config.get().lines[0]!.name, 'first');
});

test('a PUT is on disk when answered, with the file mode kept; the policy is handed to the engine', async (t) => {
  const { file, applied, call } = await setUp(t);
  fs.chmodSync(file, 0o600);
  const put = await call('PUT', '/config/calls', 'user', { ringTimeoutSec: 45 });
  assert.equal(put.status, 200);
  assert.deepEqual([put.body.appliedNow, put.body.needsRestart], [['calls.ringTimeoutSec'], []]);
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(onDisk.calls.ringTimeoutSec, 45);
  assert.equal(onDisk.mail.password, 'mail-secret', 'secrets stay in the file');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);

  const policy = (await call('GET', '/config/policy', 'user')).body;
  policy.shortCallSec = 9;
  assert.equal((await call('PUT', '/config/policy', 'user', policy)).status, 200);
  assert.deepEqual(applied.map(([s]) => s), ['calls', 'policy']);
  assert.equal(applied[1]![1].policy.shortCallSec, 9);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).policy.shortCallSec, 9);
});

test('changedPaths: leaves that differ; a list of another length counts as one change', () => {
  assert.deepEqual(changedPaths({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } }, ['x']), ['x.b.c[1]']);
  assert.deepEqual(changedPaths({ l: [1] }, { l: [1, 2] }), ['l']);
  assert.deepEqual(changedPaths(null, { host: 'h' }, ['mail']), ['mail']);
  assert.deepEqual(changedPaths({ a: 1 }, { a: 1 }), []);
});

test('appliesLive: settings the wiring reads at each use apply at once; the rest waits for a restart', () => {
  for (const p of ['policy.limits.callMinutes', 'calls.ringTimeoutSec', 'sms.forward[0].webhook.url', 'smpp.accounts[1].password', 'lines[2].prefixes', 'sip.media.rtpPorts', 'http.allowedOrigins[0]']) {
    assert.equal(appliesLive(p), true, p);
  }
  for (const p of ['sms.partTimeoutSec', 'smpp.port', 'smpp.enabled', 'lines[0].port', 'http.port', 'modems.probeIntervalMs', 'sip.port', 'device.timezone', 'callsX']) {
    assert.equal(appliesLive(p), false, p);
  }
});
