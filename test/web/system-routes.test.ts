/**
 * The system tools of the API: backup (with and without secrets), restore (validated whole before
 * anything is written, never without an admin), factory reset (typed confirmation, listener settings
 * kept, accounts down to the caller, messages kept unless asked) and restart (through the daemon's hook).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthStore } from '../../src/config/auth-store.js';
import { REDACTED } from '../../src/config/secret-fields.js';
import { silentLogger } from '../../src/util/log.js';
import { openDaemonConfig } from '../../src/wiring/daemon-config.js';
import { systemRoutes } from '../../src/web/system-routes.js';
import { basic, json, startApp } from './harness.js';

const ADMIN = basic('admin', 'admin password 1');

async function setUp(t: TestContext, opts: { restart?: (reason: string) => void } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-system-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = await openDaemonConfig({ file: path.join(dir, 'config.json'), log: silentLogger() });
  await config.update((c) => {
    c.device.name = 'gw-east';
    c.http.port = 8181;
    c.sip.port = 5070;
    c.smpp.accounts = [{ systemId: 'crm', password: 'smppPw1' } as never];
    c.calls.ringTimeoutSec = 33;
  });
  const auth = await AuthStore.open({ dataDir: dir });
  await auth.setPassword('admin', 'admin password 1');
  await auth.addUser('olga', 'olga password', 'user');
  const deleted = { inbox: 0, outbox: 0 };
  const messages = {
    deleteInbound: () => ((deleted.inbox += 1), 3),
    deleteOutbound: () => ((deleted.outbox += 1), 5),
  };
  const h = await startApp({
    auth,
    extraRoutes: (bodyLimit) =>
      systemRoutes({ config, accounts: auth, messages, version: '9.9.9', bodyLimit, log: silentLogger(), appliesLive: (p) => p.startsWith('calls.'), ...opts }),
  });
  t.after(() => h.close());
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${h.base}/api${p}`, { method, headers: { authorization: ADMIN, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { dir, config, auth, deleted, call };
}

test('a backup without secrets redacts them and leaves the accounts out; with secrets it has both, as a download', async (t) => {
  const { call } = await setUp(t);
  const plain = await call('GET', '/system/backup');
  assert.equal(plain.status, 200);
  assert.match(plain.headers.get('content-disposition') ?? '', /^attachment; filename="gw-east-backup-\d{4}-\d{2}-\d{2}T\d{6}Z\.json"$/);
  const doc = await json(plain);
  assert.equal(doc.format, 'cellgate-backup');
  assert.equal(doc.version, 1);
  assert.equal(doc.secrets, false);
  assert.deepEqual(doc.device, { name: 'gw-east', version: '9.9.9' });
  assert.equal(doc.config.smpp.accounts[0].password, REDACTED);
  assert.equal(doc.accounts, null);
  assert.ok(!JSON.stringify(doc).includes('smppPw1'));

  const full = await json(await call('GET', '/system/backup?secrets=true'));
  assert.equal(full.secrets, true);
  assert.equal(full.config.smpp.accounts[0].password, 'smppPw1');
  assert.deepEqual(Object.keys(full.accounts).sort(), ['admin', 'olga']);
  assert.match(full.accounts.admin.hash, /^scrypt\$/);
});

test('restoring a backup without secrets puts the settings back, keeps the stored secrets and the accounts, and says what needs a restart', async (t) => {
  const { config, auth, call } = await setUp(t);
  const doc = await json(await call('GET', '/system/backup'));
  await config.update((c) => {
    c.device.name = 'renamed';
    c.calls.ringTimeoutSec = 50;
  });
  await auth.deleteUser('olga');
  const res = await call('POST', '/system/restore', doc);
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(config.get().device.name, 'gw-east');
  assert.equal(config.get().smpp.accounts[0]!.password, 'smppPw1', 'the redacted secret keeps its stored value');
  assert.equal(body.accounts, null);
  assert.equal(auth.hasUser('olga'), false, 'accounts untouched without secrets');
  assert.deepEqual(body.appliedNow, ['calls.ringTimeoutSec']);
  assert.deepEqual(body.needsRestart, ['device.name']);
  assert.equal(body.restartNeeded, true);
});

test('restoring a backup with secrets replaces the accounts too', async (t) => {
  const { auth, call } = await setUp(t);
  const doc = await json(await call('GET', '/system/backup?secrets=true'));
  await auth.deleteUser('olga');
  const res = await call('POST', '/system/restore', doc);
  assert.equal(res.status, 200);
  assert.deepEqual((await json(res)).accounts, ['admin', 'olga']);
  assert.equal(await auth.verify('olga', 'olga password'), true);
});

test('an invalid backup is refused field by field and nothing is written; accounts without an admin are refused', async (t) => {
  const { dir, config, auth, call } = await setUp(t);
  const doc = await json(await call('GET', '/system/backup?secrets=true'));
  const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  const authBefore = fs.readFileSync(auth.file, 'utf8');

  const badPort = structuredClone(doc);
  badPort.config.http.port = 'abc';
  badPort.config.device.name = 'changed';
  const r1 = await call('POST', '/system/restore', badPort);
  assert.equal(r1.status, 400);
  const b1 = await json(r1);
  assert.ok(b1.fields.some((f: { path: string }) => f.path === 'http.port'), JSON.stringify(b1));

  const noAdmin = structuredClone(doc);
  noAdmin.config.device.name = 'changed';
  delete noAdmin.accounts.admin;
  const r2 = await call('POST', '/system/restore', noAdmin);
  assert.equal(r2.status, 409);
  assert.match((await json(r2)).error, /no admin/);

  const badHash = structuredClone(doc);
  badHash.accounts.olga.hash = 'plain-text';
  assert.equal((await call('POST', '/system/restore', badHash)).status, 400);

  for (const envelope of [{}, { ...doc, format: 'other' }, { ...doc, version: 2 }, [1]]) {
    assert.equal((await call('POST', '/system/restore', envelope)).status, 400, JSON.stringify(envelope).slice(0, 40));
  }
  assert.equal(config.get().device.name, 'gw-east');
  assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), before);
  assert.equal(fs.readFileSync(auth.file, 'utf8'), authBefore);
});

test('factory reset needs the device name typed; it keeps the listener settings and the caller, and the messages unless asked', async (t) => {
  const { config, auth, deleted, call } = await setUp(t);
  const wrong = await call('POST', '/system/factory-reset', { confirm: 'gw-west' });
  assert.equal(wrong.status, 400);
  assert.match((await json(wrong)).error, /"gw-east"/);
  assert.equal((await call('POST', '/system/factory-reset', {})).status, 400);
  assert.equal(config.get().device.name, 'gw-east');

  const res = await call('POST', '/system/factory-reset', { confirm: 'gw-east' });
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.deepEqual(body.kept, ['http', 'sip.host', 'sip.port', 'sip.tls']);
  assert.equal(body.messagesDeleted, null);
  assert.deepEqual(deleted, { inbox: 0, outbox: 0 });
  const cfg = config.get();
  assert.equal(cfg.device.name, 'cellgate');
  assert.equal(cfg.calls.ringTimeoutSec !== 33, true);
  assert.deepEqual(cfg.smpp.accounts, []);
  assert.equal(cfg.http.port, 8181);
  assert.equal(cfg.sip.port, 5070);
  assert.deepEqual(auth.listUsers().map((u) => u.name), ['admin']);
  assert.equal(await auth.verify('admin', 'admin password 1'), true);

  const wiped = await json(await call('POST', '/system/factory-reset', { confirm: 'cellgate', wipeMessages: true }));
  assert.deepEqual(wiped.messagesDeleted, { inbox: 3, outbox: 5 });
  assert.deepEqual(deleted, { inbox: 1, outbox: 1 });
});

test('restart needs {confirm: true}, answers 202 and then calls the daemon hook; without a hook it is 503', async (t) => {
  const reasons: string[] = [];
  const { call } = await setUp(t, { restart: (r) => reasons.push(r) });
  assert.equal((await call('POST', '/system/restart', {})).status, 400, 'a bare {} restarts nothing');
  assert.equal((await call('POST', '/system/restart', { confirm: 'yes' })).status, 400);
  assert.deepEqual(reasons, []);
  const res = await call('POST', '/system/restart', { confirm: true });
  assert.equal(res.status, 202);
  assert.deepEqual(await json(res), { restarting: true });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(reasons, ['requested by admin over the API']);

  const none = await setUp(t);
  assert.equal((await none.call('POST', '/system/restart', { confirm: true })).status, 503);
});
