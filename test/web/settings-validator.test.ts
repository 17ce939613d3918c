/**
 * The settings pages check a section in the browser with the server's own validator, bundled for the
 * browser exactly as the UI build bundles it (esbuild, platform browser: no Node built-ins). For the
 * same bad document, that bundle must give byte-identical field messages to PUT /api/config/:section.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { silentLogger } from '../../src/util/log.js';
import { openDaemonConfig } from '../../src/wiring/daemon-config.js';
import { appliesLive } from '../../src/wiring/live-settings.js';
import { configRoutes } from '../../src/web/config-routes.js';
import { ADMIN_PASSWORD, basic, json, startApp } from './harness.js';

interface FieldMessage {
  path: string;
  message: string;
}
type ValidateSection = (section: string, value: unknown, others?: Record<string, unknown>) => FieldMessage[];

function packageRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'web'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
  return dir;
}

async function browserValidator(t: TestContext): Promise<ValidateSection> {
  const root = packageRoot();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-settings-bundle-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'validator.mjs');
  // The same platform as the UI build: a Node built-in anywhere in the schema fails this build.
  await build({ absWorkingDir: root, entryPoints: [path.join(root, 'web/src/config/section-validator.ts')], outfile: out, bundle: true, platform: 'browser', format: 'esm', target: 'es2020', logLevel: 'silent' });
  const mod = (await import(pathToFileURL(out).href)) as { validateSection: ValidateSection };
  return mod.validateSection;
}

const INITIAL = {
  mail: { host: 'smtp.example.com', user: 'gw', password: 'mail-secret', from: 'gw@example.com' },
  smpp: { accounts: [{ systemId: 'esme1', password: 'pw1' }] },
  lines: [{ id: 1, port: '/dev/ttyUSB2', pins: { A: '1234' } }],
};

async function api(t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-settings-api-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(INITIAL), { mode: 0o600 });
  const config = await openDaemonConfig({ file, log: silentLogger() });
  const h = await startApp({ extraRoutes: (bodyLimit) => configRoutes({ config, bodyLimit, appliesLive }) });
  t.after(() => h.close());
  const call = async (method: 'GET' | 'PUT', p: string, body?: unknown) => {
    const r = await fetch(`${h.base}/api${p}`, {
      method,
      headers: { authorization: basic('admin', ADMIN_PASSWORD), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: await json(r) };
  };
  return call;
}

test('the browser bundle of the validator gives the API\'s field messages, byte for byte', async (t) => {
  const validateSection = await browserValidator(t);
  const call = await api(t);
  const whole = (await call('GET', '/config')).body as Record<string, unknown>;
  const policy = whole['policy'] as Record<string, unknown>;
  const sms = whole['sms'] as Record<string, unknown>;
  const lines = whole['lines'] as Array<Record<string, unknown>>;
  const http = whole['http'] as Record<string, unknown>;
  const smpp = whole['smpp'] as { accounts: Array<Record<string, unknown>> };
  const bad: Array<[string, unknown]> = [
    // A SIM call limit the policy engine's parser refuses, and one out of range.
    ['policy', { ...policy, limits: { callMinutes: '05:00-25:00,100', smsCount: 'D32,5' } }],
    ['policy', { ...policy, slotLimits: { '1/A': { callMinutes: '12:00-08:00,5|07:00-09:00,1' } }, billingPeriodSec: 0 }],
    // Cross-field rules: dial rules and prefixes checked by the routing parsers.
    ['sms', { ...sms, dialRules: '86:-86||:+0', sendIntervalSec: 'soon' }],
    ['lines', [{ ...lines[0], prefixes: '00,,13' }, { ...lines[0], port: '/dev/ttyUSB3', pins: {} }]],
    ['lines', [{ ...lines[0], port: 'ttyUSB2' }]],
    // The redaction marker where no secret is stored (a copied line keeps the first line's PIN marker).
    ['lines', [lines[0], { ...lines[0], id: 2, port: '/dev/ttyUSB3' }]],
    // Type errors with the received value in the message, and an unknown key with a suggestion.
    ['http', { ...http, port: 'abc', hots: '0.0.0.0' }],
    // A redacted secret kept as is, another replaced by an invalid one (SMPP passwords are 1 to 8 characters).
    ['smpp', { ...smpp, accounts: [smpp.accounts[0], { systemId: 'esme2', password: 'far-too-long-password' }] }],
  ];
  for (const [section, value] of bad) {
    const local = validateSection(section, value, whole);
    const put = await call('PUT', `/config/${section}`, value);
    assert.equal(put.status, 400, `${section}: ${JSON.stringify(put.body)}`);
    assert.ok(local.length > 0, `${section}: the browser found the problems`);
    assert.deepEqual(local, put.body.fields, `${section}: same paths and messages`);
  }
  // And a valid edit passes in both.
  const good = { ...policy, limits: { callMinutes: '05:00-12:00,100|12:00-23:00,200' } };
  assert.deepEqual(validateSection('policy', good, whole), []);
  assert.equal((await call('PUT', '/config/policy', good)).status, 200);
});
