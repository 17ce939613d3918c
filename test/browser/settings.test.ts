/**
 * The settings pages on the demo gateway: a SIM call limit edited on the limits page, explained as
 * typed, refused with the API's own message when bad, saved and enforced on the next test call; the
 * generic section editor saves and says what applies at once; a user sees no admin-only section.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE } from './helpers/browser.js';
import { useRig } from './helpers/rig.js';
import { logIn, openByNav, textOf } from './helpers/ui.js';

const rig = useRig();
const CALLED = '+8613912345678';

test('a bad call limit shows the API\'s field error; a good one is explained, saved and enforced', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const original = await r.api.ok('GET', '/api/policy');
  t.after(() => r.api.call('PUT', '/api/policy', original));
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, r.admin);
  await openByNav(page, 'settings');
  await page.locator('a[data-settings="limits"]').click();
  const input = page.locator('#limit-callCount');
  await input.waitFor();

  const bad = '05:00-25:00,100';
  await input.fill(bad);
  await page.locator('form[data-form="limits"] button[type=submit]').click();
  const error = page.locator('[data-field-error="policy.limits.callCount"]');
  await error.waitFor();
  // The same words as the API's answer for the same field.
  const api = await r.api.call('PUT', '/api/config/policy', { ...original, limits: { callCount: bad } });
  assert.equal(api.status, 400);
  const field = api.body.fields.find((f: { path: string }) => f.path === 'policy.limits.callCount');
  assert.equal(await textOf(page, '[data-field-error="policy.limits.callCount"]'), field.message);
  assert.match((await input.getAttribute('aria-describedby')) ?? '', /limit-callCount-err/);
  assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.id), 'limit-callCount', 'focus on the field to fix');

  await input.fill('05:00-12:00,100|12:00-23:00,200');
  assert.equal(await textOf(page, '[data-explain="policy.limits.callCount"]'), '05:00–12:00: 100 calls; 12:00–23:00: 200 calls; no limit at other times');
  await input.fill('0');
  await page.locator('form[data-form="limits"] button[type=submit]').click();
  await page.locator('[data-save-result]').waitFor();
  assert.equal((await r.api.ok('GET', '/api/policy')).limits.callCount, '0');
  const refused = await r.api.call('POST', '/api/lines/1/test-call', { number: CALLED, seconds: 1 });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.match(refused.body.error, /call count limit/);
  const wide = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
  assert.ok(wide <= PHONE.width, `the limits page is ${wide} px wide on a ${PHONE.width} px screen`);
  assert.deepEqual(problems, []);
});

test('the generic editor saves a section and lists what applies at once', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const original = await r.api.ok('GET', '/api/config/sms');
  t.after(() => r.api.call('PUT', '/api/config/sms', original));
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  await page.goto('/#/settings/sms');
  const dial = page.locator('#cfg-sms-dialRules');
  await dial.waitFor();
  await dial.fill('86:-86|:+0');
  assert.equal(await textOf(page, '[data-explain="sms.dialRules"]'), 'numbers starting with 86: remove 86 at the start; otherwise any number: put 0 in front');
  await page.locator('#cfg-sms-sendIntervalSec').fill('soon');
  await page.locator('form[data-form="config-sms"] button[type=submit]').click();
  assert.equal(await textOf(page, '[data-field-error="sms.sendIntervalSec"]'), 'expected an integer from 0 to 3600, got "soon"');
  await page.locator('#cfg-sms-sendIntervalSec').fill('2');
  await page.locator('form[data-form="config-sms"] button[type=submit]').click();
  await page.locator('[data-save-result] [data-applied-now]').waitFor();
  assert.match(await textOf(page, '[data-applied-now]'), /sms\.dialRules/);
  assert.equal((await r.api.ok('GET', '/api/config/sms')).dialRules, '86:-86|:+0');
  assert.deepEqual(problems, []);
});

test('http.tls is set to a self-signed certificate through the form, without typing JSON', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const original = await r.api.ok('GET', '/api/config/http');
  t.after(() => r.api.call('PUT', '/api/config/http', original));
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, r.admin);
  await page.goto('/#/settings/http');
  const choice = page.locator('#cfg-http-tls-variant');
  await choice.waitFor();
  assert.equal(await choice.inputValue(), 'null');
  const offered = await choice.locator('option').evaluateAll((os: any[]) => os.map((o) => `${o.value}=${o.textContent}`));
  assert.deepEqual(offered, ['null=Off (plain HTTP)', 'self-signed=Self-signed certificate', 'object=My certificate files']);
  assert.equal(await page.locator('form[data-form="config-http"] textarea.mono').count(), 0, 'no JSON text on the page');
  // The files variant brings its own inputs, and their schema messages land under them.
  await choice.selectOption('object');
  await page.locator('#cfg-http-tls-certFile').fill('cert.pem');
  await page.locator('#cfg-http-tls-keyFile').fill('/etc/cellgate/key.pem');
  await page.locator('form[data-form="config-http"] button[type=submit]').click();
  const api = await r.api.call('PUT', '/api/config/http', { ...original, tls: { certFile: 'cert.pem', keyFile: '/etc/cellgate/key.pem' } });
  assert.equal(api.status, 400);
  const field = api.body.fields.find((f: { path: string }) => f.path === 'http.tls.certFile');
  assert.ok(field, JSON.stringify(api.body.fields));
  assert.equal(await textOf(page, '[data-field-error="http.tls.certFile"]'), field.message);
  assert.equal(await page.locator('#cfg-http-tls-certFile').getAttribute('aria-invalid'), 'true');
  await choice.selectOption('self-signed');
  assert.equal(await page.locator('#cfg-http-tls-certFile').count(), 0, 'the files are gone with their variant');
  await page.locator('form[data-form="config-http"] button[type=submit]').click();
  await page.locator('[data-save-result]').waitFor();
  assert.equal((await r.api.ok('GET', '/api/config/http')).tls, 'self-signed');
  const wide = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth);
  assert.ok(wide <= PHONE.width, `the http section is ${wide} px wide on a ${PHONE.width} px screen`);
  assert.deepEqual(problems, []);
});

test('a slot limit is added as a record row: key checked by the schema, value through its own inputs', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const original = await r.api.ok('GET', '/api/config/policy');
  t.after(() => r.api.call('PUT', '/api/config/policy', original));
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  await page.goto('/#/settings/policy');
  const table = page.locator('[data-record="policy.slotLimits"]');
  await table.waitFor();
  const rows = table.locator('[data-record-row]');
  const before = await rows.count();
  await table.locator('button[data-action="add-entry"]').focus();
  await page.keyboard.press('Enter');
  await rows.nth(before).waitFor();
  const key = table.locator(`[data-record-key="${before}"]`);
  assert.equal(await key.evaluate((el: any) => el.ownerDocument.activeElement?.dataset?.action), 'add-entry', 'the add button keeps focus');
  await key.fill('1A');
  await page.locator('form[data-form="config-policy"] button[type=submit]').click();
  const api = await r.api.call('PUT', '/api/config/policy', { ...original, slotLimits: { ...original.slotLimits, '1A': {} } });
  assert.equal(api.status, 400);
  const field = api.body.fields.find((f: { path: string }) => f.path === 'policy.slotLimits["1A"]' || f.path === 'policy.slotLimits.1A');
  assert.ok(field, JSON.stringify(api.body.fields));
  assert.equal(await textOf(page, `[data-field-error='${field.path}']`), field.message);
  assert.equal(await key.getAttribute('aria-invalid'), 'true');

  await key.fill('1/A');
  const variant = page.locator('#cfg-policy-slotLimits-1_A-callCount-variant');
  assert.equal(await variant.inputValue(), 'absent');
  await variant.selectOption('text');
  await page.locator('#cfg-policy-slotLimits-1_A-callCount').fill('5');
  await page.locator('#cfg-policy-slotLimits-1_A-smsCount-variant').selectOption('null');
  await page.locator('form[data-form="config-policy"] button[type=submit]').click();
  await page.locator('[data-save-result]').waitFor();
  assert.deepEqual((await r.api.ok('GET', '/api/config/policy')).slotLimits['1/A'], { callCount: '5', smsCount: null });

  // Removing the row (by keyboard) and saving takes the entry out again.
  await page.locator('[data-record="policy.slotLimits"] button[data-action="remove-entry"]').last().focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#cfg-policy-slotLimits-1_A-callCount-variant').count(), 0, 'the row is gone');
  await page.locator('[data-save-result]').waitFor({ state: 'detached', timeout: 100 }).catch(() => undefined);
  await page.locator('form[data-form="config-policy"] button[type=submit]').click();
  const deadline = Date.now() + 10_000;
  while ((await r.api.ok('GET', '/api/config/policy')).slotLimits['1/A'] !== undefined) {
    assert.ok(Date.now() < deadline, 'the removed entry is still stored');
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.deepEqual(problems, []);
});

test('a user account lists the sections it may change, without sip and security', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logIn(page, r.user);
  await openByNav(page, 'settings');
  await page.locator('a[data-settings="policy"]').waitFor();
  const listed = await page.locator('a[data-settings]').evaluateAll((as: any[]) => as.map((a) => String(a.getAttribute('data-settings'))));
  assert.ok(listed.includes('limits') && listed.includes('lines'), listed.join(', '));
  assert.ok(!listed.includes('sip') && !listed.includes('security'), listed.join(', '));
});
