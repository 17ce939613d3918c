/**
 * Acceptance (issue 14): an operator logs in and watches the four simulated lines; pulling a SIM out of
 * a simulated modem changes that line's row while the page stays loaded (Server-Sent Events, no reload).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useRig } from './helpers/rig.js';
import { logIn } from './helpers/ui.js';

const rig = useRig();

test('admin logs in through the login form; a wrong password shows an alert first', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await page.goto('/#/login');
  const form = page.locator('form[data-form="login"]');
  await form.locator('input[name=username]').fill('admin');
  await form.locator('input[name=password]').fill('not the password');
  await form.locator('button[type=submit], input[type=submit]').first().click();
  await page.locator('[role=alert]').first().waitFor({ timeout: 10_000 });
  assert.notEqual(await page.evaluate(() => (globalThis as any).location.hash), '#/status');

  await logIn(page, r.admin);
  assert.equal(await page.evaluate(() => (globalThis as any).location.hash), '#/status');
});

test('status page: four lines, and pulling line 1\'s SIM changes its row with no reload', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-line="4"]').first().waitFor({ timeout: 10_000 });
  const ids = await page.locator('[data-line]').evaluateAll((rows: any[]) => [...new Set(rows.map((e) => String(e.getAttribute('data-line'))))].sort());
  assert.deepEqual(ids, ['1', '2', '3', '4']);
  for (const col of ['id', 'slot', 'sim', 'operator', 'network', 'signal', 'registration', 'voip', 'call', 'sms']) {
    assert.equal(await page.locator(`[data-line="1"] [data-col="${col}"]`).count() > 0, true, `line 1 has no [data-col="${col}"] cell`);
  }

  // The modem behind line 1, by IMEI, and the card it uses.
  const line1 = (await r.api.ok('GET', '/api/lines/1')) as { slot: string; modem: { imei: string } };
  const modems = (await (await fetch(`${r.daemon.controlApi}/modems`)).json()) as { modems: { id: number; imei: string }[] };
  const modem = modems.modems.find((m) => m.imei === line1.modem.imei);
  assert.ok(modem, `no simulated modem with line 1's IMEI ${line1.modem.imei}`);

  const cell = '[data-line="1"] [data-col="sim"]';
  const before = await page.locator(cell).first().evaluate((e: any) => `${e.getAttribute('data-state') ?? e.querySelector('[data-state]')?.getAttribute('data-state')}|${e.textContent}`);
  // A mark on the window: a reload would lose it.
  await page.evaluate(() => ((globalThis as any).__samePage = true));

  const card = await r.simulator.pullSim(modem.id, line1.slot);
  t.after(() => r.simulator.insertSim(modem.id, card).catch(() => undefined));
  await page.waitForFunction(
    ([sel, was]) => {
      const e = (globalThis as any).document.querySelector(sel);
      if (!e) return false;
      const now = `${e.getAttribute('data-state') ?? e.querySelector('[data-state]')?.getAttribute('data-state')}|${e.textContent}`;
      return now !== was;
    },
    [cell, before] as const,
    { timeout: 30_000 },
  );
  assert.equal(await page.evaluate(() => (globalThis as any).__samePage), true, 'the page was reloaded');
  assert.deepEqual(problems, []);
});
