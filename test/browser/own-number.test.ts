/**
 * Acceptance (issue 14, manual §5.11): "learn now" on a SIM that does not hold its own number. The
 * gateway is configured to ask the operator by SMS (`ownNumber.smsQuery`); the page shows the question
 * pending (POST answers 202, the page polls) for as long as the operator has not replied, then the
 * number the reply carried. The operator is played through the simulator's control API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './helpers/demo-daemon.js';
import { useRig } from './helpers/rig.js';
import { logIn, textOf } from './helpers/ui.js';

const OPERATOR = '10086';
const QUERY = { to: OPERATOR, text: 'CXHM', replyFrom: OPERATOR, marker: 'Your number is ' };
const rig = useRig({ config: { ownNumber: { smsQuery: QUERY, timeoutSec: 120 } } });

interface LineJson {
  id: number;
  slot: string;
  lifecycle: string;
  modem: { imei: string | null };
  sim: { iccid: string | null } | null;
}
interface ModemJson {
  id: number;
  imei: string;
  sims: { slot: string; iccid: string; imsi: string; number: string | null }[];
}

test('"learn now" on a SIM without its number shows the SMS question pending, then the number the reply gave', { timeout: 180_000 }, async (t) => {
  const r = rig();
  // The demo's odd-numbered modems hold, in slot D, a card that stores no number (docs/simulator.md).
  const { modems } = (await (await fetch(`${r.daemon.controlApi}/modems`)).json()) as { modems: ModemJson[] };
  const { lines } = (await r.api.ok('GET', '/api/lines')) as { lines: LineJson[] };
  const pick = modems.flatMap((m) => m.sims.filter((s) => s.number === null).map((card) => ({ card, line: lines.find((l) => l.modem.imei === m.imei) })));
  const chosen = pick.find((p) => p.line !== undefined);
  assert.ok(chosen?.line, 'no line whose modem holds a card without a stored number');
  const { card } = chosen;
  const lineId = chosen.line.id;

  // The line moves to that card (the operator's forced switch) and registers with it.
  await r.api.ok('POST', `/api/lines/${lineId}/switch`, { slot: card.slot });
  let now = chosen.line;
  for (const end = Date.now() + 60_000; now.slot !== card.slot || now.lifecycle !== 'registered' || now.sim?.iccid !== card.iccid; await sleep(250)) {
    assert.ok(Date.now() < end, `line ${lineId} not registered with card ${card.iccid} in slot ${card.slot} within 60 s (now ${now.slot}, ${now.lifecycle})`);
    now = (await r.api.ok('GET', `/api/lines/${lineId}`)) as LineJson;
  }
  const msisdn = await r.simulator.numberOf(card.imsi);

  const { page, problems } = await r.session(t);
  await logIn(page, r.user);
  await page.locator('nav a[data-nav="own-number"]').first().click();
  const row = page.locator(`[data-line="${lineId}"]`);
  await page.waitForFunction(([id, iccid]) => (globalThis as any).document.querySelector(`[data-line="${id}"] [data-col="iccid"]`)?.textContent === iccid, [lineId, card.iccid] as const, { timeout: 15_000 });
  assert.equal(await textOf(page, `[data-line="${lineId}"] [data-col="number"]`), 'unknown');
  await row.locator('button[data-action="learn"]').click();

  // Pending: the step in words while the gateway waits for the operator's reply.
  await row.locator('[data-col="step"][data-result="asking"]').waitFor({ timeout: 15_000 });
  for (const end = Date.now() + 60_000; !(await r.simulator.outsideSms()).some((m) => m.from === msisdn && m.to === OPERATOR && m.text === QUERY.text); await sleep(250)) {
    assert.ok(Date.now() < end, `line ${lineId} sent no "${QUERY.text}" to ${OPERATOR} within 60 s`);
  }
  await sleep(2000); // longer than a poll of the page: still pending with no reply
  assert.equal(await row.locator('[data-col="step"]').getAttribute('data-result'), 'asking');
  assert.match(await textOf(page, `[data-line="${lineId}"] [data-col="step"]`), /SMS/i);
  assert.equal(await textOf(page, `[data-line="${lineId}"] [data-col="number"]`), 'unknown');

  // The operator replies; the page's next poll shows the number, learned by the SMS query.
  await r.simulator.textSim(OPERATOR, msisdn, `${QUERY.marker}${msisdn}`);
  await row.locator('[data-col="step"][data-result="known"]').waitFor({ timeout: 60_000 });
  assert.equal(await textOf(page, `[data-line="${lineId}"] [data-col="number"]`), msisdn);
  assert.equal(await row.locator('[data-col="method"]').getAttribute('data-method'), 'sms-query');
  assert.equal(await row.locator('button[data-action="learn"]').isDisabled(), false);
  assert.deepEqual(problems, []);
});
