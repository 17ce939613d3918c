/**
 * The browser test harness itself: the demo daemon starts with its three accounts, Debian's Chromium
 * opens the daemon's `/` through playwright-core, and axe-core runs in that page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriousAxeViolations } from './helpers/axe.js';
import { launchChromium } from './helpers/browser.js';
import { useRig } from './helpers/rig.js';

const rig = useRig();

test('the harness: demo daemon with admin, user and sms accounts; Chromium loads its / and axe runs there', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const users = (await r.api.ok('GET', '/api/users')) as { users: { name: string; role: string }[] };
  assert.deepEqual(users.users.map((u) => [u.name, u.role]).sort(), [['admin', 'admin'], ['operator', 'user'], ['texter', 'sms']]);
  const lines = (await r.api.ok('GET', '/api/lines')) as { lines: unknown[] };
  assert.equal(lines.lines.length, 4);

  const { page } = await r.session(t);
  const response = await page.goto('/');
  assert.equal(response?.status(), 200);
  assert.ok((await page.content()).length > 0);
  const found = await seriousAxeViolations(page);
  assert.ok(Array.isArray(found));

  // The simulator's control API answers through the harness's client.
  const m1 = await r.simulator.modem(1);
  assert.equal(m1.sims.length, 4);
});

test('without the browser the tests fail and name the Debian package to install', async () => {
  await assert.rejects(launchChromium('/nonexistent/chromium'), /missing: the browser tests need the Debian package "chromium"/);
});
