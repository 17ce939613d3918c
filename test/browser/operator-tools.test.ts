/**
 * Acceptance (issue 14): an operator's tools in the UI on the demo gateway: a SIM call limit enforced on
 * the next test call, an SMS sent from the SMS page and found delivered in the outbox, a USSD code run,
 * the data check's success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './helpers/demo-daemon.js';
import { useRig } from './helpers/rig.js';
import { logIn, openByNav, textOf } from './helpers/ui.js';

const rig = useRig();
const CALLED = '+8613912345678';

test('a call limit of 0 set for line 1\'s SIMs refuses the next test call; the calls page shows it', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const before = await r.api.call('POST', '/api/lines/1/test-call', { number: CALLED, seconds: 1 });
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.equal(before.body.answered, true);

  // No limits page is in the UI's page list yet: the limit is set through the API (docs/policy.md,
  // per-slot overrides "line/slot").
  const none = { callCount: '0' };
  await r.api.ok('PATCH', '/api/policy', { slotLimits: { '1/A': none, '1/B': none, '1/C': none, '1/D': none } });
  t.after(() => r.api.call('PATCH', '/api/policy', { slotLimits: {} }));
  const refused = await r.api.call('POST', '/api/lines/1/test-call', { number: CALLED, seconds: 1 });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.match(refused.body.error, /may not call/);

  const { page } = await r.session(t);
  await logIn(page, r.admin);
  await openByNav(page, 'calls');
  await page.waitForFunction(() => (globalThis as any).location.hash === '#/calls');
  // Both calls are listed with the number called: the refused one and the answered one.
  await page.getByText(CALLED).nth(1).waitFor({ timeout: 15_000 });
});

test('an SMS sent from the SMS page is in the outbox as delivered', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  await openByNav(page, 'sms-send');
  const form = page.locator('form[data-form="sms-send"]');
  await form.locator('input[name=to]').fill(CALLED);
  await form.locator('textarea[name=text]').fill('hello from the browser test');
  await form.locator('button[type=submit], input[type=submit]').first().click();
  const queued = page.locator('[data-sms-queued]').first();
  await queued.waitFor({ timeout: 15_000 });
  const id = await queued.getAttribute('data-sms-queued');
  assert.ok(id, 'no message id on [data-sms-queued]');

  const sent = (await r.api.ok('GET', `/api/sms/${id}`)) as { text: string };
  assert.equal(sent.text, 'hello from the browser test');
  // Realistic demo timing: about 2.5 s to send and 1.5 s to the status report.
  for (const end = Date.now() + 30_000; ((await r.api.ok('GET', `/api/sms/${id}`)) as { status: string }).status !== 'delivered'; await sleep(250)) {
    assert.ok(Date.now() < end, `SMS ${id} not delivered within 30 s`);
  }
  await openByNav(page, 'sms-outbox');
  await page.locator(`[data-sms-id="${id}"] [data-col="status"][data-status="delivered"]`).first().waitFor({ timeout: 15_000 });
  assert.deepEqual(problems, []);
});

test('USSD *100# on line 1 shows the network\'s reply', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  await openByNav(page, 'ussd');
  const form = page.locator('form[data-form="ussd"]');
  await form.locator('select[name=line]').selectOption('1');
  await form.locator('input[name=code]').fill('*100#');
  await form.locator('button[type=submit], input[type=submit]').first().click();
  await page.waitForFunction(() => ((globalThis as any).document.querySelector('[data-ussd-reply]')?.textContent ?? '').trim().length > 0, undefined, { timeout: 20_000 });
  // The simulated network's *100# answers with the balance (docs/simulator.md).
  assert.match(await textOf(page, '[data-ussd-reply]'), /\d/);
  assert.deepEqual(problems, []);
});

test('the data check through a line that reaches the gateway itself shows the success: HTTP status, bytes and time', { timeout: 120_000 }, async (t) => {
  const r = rig();
  // The simulated modems' HTTP clients reach loopback addresses only (docs/simulator.md): the gateway's
  // own health route is a URL that answers.
  const url = `${r.daemon.url}/api/health`;
  const { page, problems } = await r.session(t);
  await logIn(page, r.user);
  await openByNav(page, 'data-check');
  const form = page.locator('form[data-form="data-check"]');
  await form.locator('select[name=line]').selectOption('1');
  await form.locator('input[name=url]').fill(url);
  await form.locator('button[type=submit]').click();
  const result = page.locator('[data-result]');
  await result.waitFor({ timeout: 90_000 });
  assert.equal(await result.getAttribute('data-result'), 'ok', await result.innerText());
  assert.equal(await textOf(page, '[data-result] [data-col="url"] dd'), url);
  assert.equal(await textOf(page, '[data-result] [data-col="status"] dd'), '200');
  assert.match(await textOf(page, '[data-result] [data-col="bytes"] dd'), /^[1-9][\d,.\s]*$/);
  assert.match(await textOf(page, '[data-result] [data-col="time"] dd'), /\d/);
  assert.equal(await textOf(page, '[data-result] [data-col="error"] dd'), '—');
  assert.deepEqual(problems, []);
});
