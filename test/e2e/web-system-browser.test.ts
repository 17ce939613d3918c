/**
 * The system pages in headless Chromium against a demo daemon: the first-start flow (the printed
 * password leads to the forced password change, nothing else), the users page (add an account with a
 * role), backup download, factory reset with its typed confirmation, restart with "restarting…", the
 * PIN/PUK page; axe-core on each page finds no serious or critical violation, and at 375 px no page is
 * wider than the screen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Page } from 'playwright-core';
import { startDaemon } from '../../src/app.js';
import { silentLogger } from '../../src/util/log.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // A string: the test is compiled without DOM types; it runs in the page.
  const violations = (await page.evaluate('axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length })))')) as Array<{
    id: string;
    impact: string | null;
    count: number;
  }>;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.count})`);
}

async function open(page: Page, hash: string, heading: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.locator('#main h1', { hasText: heading }).waitFor();
}

test('system pages in a real browser: first-start password, users, backup, factory reset, restart, PIN/PUK; axe and 375 px', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-web-system-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'on', modems: 2, timing: 'fast', controlPort: 0 } }));
  let printed = '';
  const restarts: string[] = [];
  const d = await startDaemon({
    dataDir: dir,
    httpPort: 0,
    sipPort: 0,
    httpHost: '127.0.0.1',
    log: silentLogger(),
    logLevel: 'silent',
    out: new Writable({ write: (c: Buffer, _e, cb) => ((printed += c.toString('utf8')), cb()) }),
    onRestartRequest: (reason) => restarts.push(reason),
  });
  t.after(() => d.stop());
  const initial = /admin \/ (\S+)/.exec(printed)?.[1];
  assert.ok(initial, 'the first-start password is printed');

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  // bypassCSP: axe-core is injected as an inline script, which the UI's CSP rightly refuses.
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  const base = `http://127.0.0.1:${d.port}`;

  // First start: the printed password logs in, and only the password change is offered.
  await page.goto(`${base}/#/login`);
  await page.fill('form[data-form="login"] input[name=username]', 'admin');
  await page.fill('form[data-form="login"] input[name=password]', initial);
  await page.click('form[data-form="login"] button[type=submit]');
  const forced = page.locator('form[data-form="password-change"]');
  await forced.waitFor();
  assert.equal(await page.locator('nav a[data-nav]').count(), 0, 'no navigation before the password is changed');
  assert.deepEqual(await axeProblems(page), [], 'axe on the forced password page');
  await page.evaluate(`location.hash = '#/status'`);
  await forced.waitFor();
  assert.match(page.url(), /#\/password-change$/);
  await forced.locator('input[name=currentPassword]').fill(initial);
  await forced.locator('input[name=password]').fill('operator chose this');
  await forced.locator('input[name=confirm]').fill('operator chose this');
  await forced.locator('button[type=submit]').click();
  await page.locator('nav a[data-nav="system"]').waitFor();
  assert.match(page.url(), /#\/status$/);
  for (const nav of ['users', 'unlock']) assert.equal(await page.locator(`nav a[data-nav="${nav}"]`).count(), 1);
  assert.equal(d.auth.mustChangePassword('admin'), false);

  // Users: add an sms account; it is flagged to change its password.
  await page.click('nav a[data-nav="users"]');
  await page.locator('#main h1').waitFor();
  await page.fill('form[data-form="user-add"] input[name=name]', 'texter');
  await page.fill('form[data-form="user-add"] input[name=password]', 'given by admin');
  await page.selectOption('form[data-form="user-add"] select[name=role]', 'sms');
  await page.click('form[data-form="user-add"] button[type=submit]');
  await page.locator('tr[data-user="texter"] .tag').waitFor();
  assert.equal(d.auth.role('texter'), 'sms');
  assert.deepEqual(await axeProblems(page), [], 'axe on the users page');

  // PIN/PUK page.
  await page.click('nav a[data-nav="unlock"]');
  await page.locator('form[data-form="unlock"] select[name=line]').waitFor();
  await page.locator('form[data-form="unlock"] input[name=pin]').waitFor();
  await page.click('form[data-form="unlock"] input[value=puk]');
  await page.locator('form[data-form="unlock"] input[name=newPin]').waitFor();
  assert.deepEqual(await axeProblems(page), [], 'axe on the PIN/PUK page');

  // System: backup download, factory reset, restart.
  await page.click('nav a[data-nav="system"]');
  await page.locator('form[data-form="factory-reset"]').waitFor();
  assert.deepEqual(await axeProblems(page), [], 'axe on the system page');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-action="backup"]')]);
  const file = await download.path();
  const backup = JSON.parse(readFileSync(file!, 'utf8')) as { format: string; accounts: unknown };
  assert.equal(backup.format, 'cellgate-backup');
  assert.equal(backup.accounts, null);
  assert.match(download.suggestedFilename(), /^cellgate-backup-.*\.json$/);

  await page.fill('form[data-form="factory-reset"] input[name=confirm]', 'not the name');
  await page.click('form[data-form="factory-reset"] button[type=submit]');
  await page.locator('[role=alert]').waitFor();
  assert.deepEqual(d.auth.listUsers().map((u) => u.name), ['admin', 'texter']);
  await page.fill('form[data-form="factory-reset"] input[name=confirm]', 'cellgate');
  await page.click('form[data-form="factory-reset"] button[type=submit]');
  await page.locator('[data-system-result="reset"]').waitFor();
  assert.deepEqual(d.auth.listUsers().map((u) => u.name), ['admin']);

  await page.click('button[data-action="restart"]');
  await page.locator('[data-restart="restarting"]').waitFor();
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(restarts, ['requested by admin over the API']);

  // 375 px: nothing wider than the screen on these pages.
  await page.setViewportSize({ width: 375, height: 800 });
  for (const [hash, heading] of [['#/system', 'System'], ['#/users', 'Users'], ['#/unlock', 'PIN/PUK']] as const) {
    await open(page, hash, heading);
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    assert.ok(width <= 375, `${hash} is ${width} px wide at 375 px`);
  }
});
