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
