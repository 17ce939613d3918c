/**
 * Acceptance (issue 14): an operator logs in and watches the four simulated lines; pulling a SIM out of
 * a simulated modem changes that line's row while the page stays loaded (Server-Sent Events, no reload).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './helpers/demo-daemon.js';
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

  // A mark on the window: a reload would lose it.
  await page.evaluate(() => ((globalThis as any).__samePage = true));
  const card = await r.simulator.pullSim(modem.id, line1.slot);
  t.after(() => r.simulator.insertSim(modem.id, card).catch(() => undefined));

  // The card is gone: the line moves to the next slot (docs/simulator.md, "How the daemon reacts").
  let now = line1 as { slot: string; lifecycle?: string; sim?: { state: string } | null };
  for (const end = Date.now() + 30_000; now.slot === line1.slot || now.lifecycle !== 'registered'; await sleep(200)) {
    assert.ok(Date.now() < end, `line 1 still on slot ${now.slot} (${now.lifecycle}) 30 s after its card was pulled`);
    now = (await r.api.ok('GET', '/api/lines/1')) as typeof now;
  }
  // The row follows with no reload: the slot cell names the new slot, the SIM cell its card's state.
  await page.waitForFunction(
    ([slot, state]) => {
      const d = (globalThis as any).document;
      const slotCell = d.querySelector('[data-line="1"] [data-col="slot"]');
      const simCell = d.querySelector('[data-line="1"] [data-col="sim"]');
      const simState = simCell?.getAttribute('data-state') ?? simCell?.querySelector('[data-state]')?.getAttribute('data-state');
      return (slotCell?.textContent ?? '').includes(slot) && (state === null || simState === state);
    },
    [now.slot, now.sim?.state ?? null] as const,
    { timeout: 10_000 },
  );
  assert.equal(await page.evaluate(() => (globalThis as any).__samePage), true, 'the page was reloaded');
  assert.deepEqual(problems, []);
});
