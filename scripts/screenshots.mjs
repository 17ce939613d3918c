#!/usr/bin/env node
// Screenshots of every page of the operator UI at 1280×800 and 375×812, for a person to look over
// (nothing overlapping or cut off). Starts the demo daemon, logs in as admin and visits the page routes
// (the fixed list plus any further link in the navigation, such as configuration pages), then the login
// page. PNGs go to screenshots/ (git-ignored); the list is printed. Needs `tsc -p .` and the web build
// first (`npm run screenshots` does both) and Debian's chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const helpers = join(root, 'dist', 'test', 'browser', 'helpers');
const { startDemoDaemon, sleep } = await import(join(helpers, 'demo-daemon.js'));
const { launchChromium, openPage, DESKTOP, PHONE } = await import(join(helpers, 'browser.js'));
const { logIn, PAGES } = await import(join(helpers, 'ui.js'));

const outDir = join(root, 'screenshots');
mkdirSync(outDir, { recursive: true });

/** `#/sms/send` → `sms-send`. */
const fileName = (route) => route.replace(/^#\//, '').replace(/[^a-zA-Z0-9]+/g, '-') || 'root';

const daemon = await startDemoDaemon();
let browser;
const written = [];
let failed = false;
try {
  browser = await launchChromium();
  for (const viewport of [DESKTOP, PHONE]) {
    const session = await openPage(browser, daemon.url, viewport);
    try {
      const { page } = session;
      await page.goto('/#/login');
      await page.locator('form[data-form="login"]').waitFor({ timeout: 10_000 });
      await shoot(page, '#/login', viewport);
      await logIn(page, { name: 'admin', password: daemon.adminPassword, role: 'admin' });
      const linked = await page.locator('nav a[href^="#/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      const routes = [...new Set([...PAGES.map((p) => p.route), ...linked])];
      // Pages linked from other pages' main part (each settings section) are taken too, once each.
      for (let i = 0; i < routes.length; i++) {
        const route = routes[i];
        await page.goto(`/${route}`);
        await page.waitForFunction((r) => location.hash === r, route, { timeout: 5_000 }).catch(() => undefined);
        // Let the live snapshot arrive and the layout settle.
        await sleep(800);
        const shown = await page.evaluate(() => location.hash);
        if (shown !== route) {
          failed = true;
          console.error(`${route.padEnd(20)} ${viewport.width}×${viewport.height}  not shown: the app went to ${shown}`);
          continue;
        }
        await shoot(page, route, viewport);
        const further = await page.locator('main a[href^="#/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        for (const next of further) if (!routes.includes(next)) routes.push(next);
      }
      if (session.problems.length) {
        failed = true;
        console.error(`page errors at ${viewport.width} px:\n  ${session.problems.join('\n  ')}`);
      }
    } finally {
      await session.close();
    }
  }
} finally {
  await browser?.close();
  await daemon.stop();
}

async function shoot(page, route, viewport) {
  const file = join('screenshots', `${viewport.width}-${fileName(route)}.png`);
  await page.screenshot({ path: join(root, file), fullPage: true });
  written.push(file);
  console.log(`${route.padEnd(20)} ${viewport.width}×${viewport.height}  ${file}`);
}

console.log(`${written.length} screenshots in screenshots/`);
process.exit(failed ? 1 : 0);
