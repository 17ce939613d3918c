/**
 * Acceptance (issue 14): the operator UI is usable by keyboard alone. Every step here is a key press
 * (Tab, Shift+Tab, Enter, Escape, typed text): logging in, the skip link, the navigation, sending an
 * SMS, and the folding "Menu" of a 375 px screen. Focus is always drawn, and nothing in the tab order
 * is invisible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PHONE } from './helpers/browser.js';
import type { Account } from './helpers/gateway-api.js';
import { useRig } from './helpers/rig.js';

const rig = useRig();

const SKIP_LINK = 'a.skip-link[href="#main"]';
const MENU = 'nav button[data-action="menu"]';

/** Whether the focused element matches a selector. */
function focusedIs(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => (globalThis as any).document.activeElement?.matches(sel) === true, selector);
}

/** The focused element, described for a failure message. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = (globalThis as any).document.activeElement;
    if (!a) return 'nothing';
    const attrs = ['id', 'name', 'data-nav', 'data-action', 'href'].filter((n) => a.hasAttribute(n)).map((n) => `[${n}="${a.getAttribute(n)}"]`);
    return `${String(a.tagName).toLowerCase()}${attrs.join('')} "${String(a.textContent ?? '').trim().slice(0, 30)}"`;
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number; unlessThere?: boolean } = {}): Promise<void> {
  const key = opts.back ? 'Shift+Tab' : 'Tab';
  const max = opts.max ?? 40;
  if (opts.unlessThere && (await focusedIs(page, selector))) return;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await focusedIs(page, selector)) return;
  }
  assert.fail(`${selector} not reached after ${max} presses of ${key}; the focus is on ${await focusedName(page)}`);
}

/** Asserts that the next Tab lands exactly on `selector`. */
async function nextTabIs(page: Page, selector: string): Promise<void> {
  await page.keyboard.press('Tab');
  assert.ok(await focusedIs(page, selector), `Tab went to ${await focusedName(page)}, not ${selector}`);
}

/** The focused element draws a focus ring: a non-none outline of some width, or a box shadow. */
async function assertFocusVisible(page: Page): Promise<void> {
  const ring = await page.evaluate(() => {
    const a = (globalThis as any).document.activeElement;
    const cs = (globalThis as any).getComputedStyle(a);
    return { outline: `${cs.outlineStyle} ${cs.outlineWidth}`, shadow: String(cs.boxShadow) };
  });
  const outlined = !ring.outline.startsWith('none') && parseFloat(ring.outline.split(' ')[1] ?? '0') > 0;
  assert.ok(outlined || ring.shadow !== 'none', `no focus ring on ${await focusedName(page)} (outline ${ring.outline}, box-shadow ${ring.shadow})`);
}

async function waitForHash(page: Page, hash: string): Promise<void> {
  await page.waitForFunction((h) => (globalThis as any).location.hash === h, hash, { timeout: 10_000 });
}

/** A page has loaded once its heading holds the focus (the app moves it there on every page change). */
async function waitForPageFocus(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as any).document.activeElement?.matches('#main h1') === true, undefined, { timeout: 10_000 });
}

/** Logs in from a fresh login page with the keyboard only: Tab to the fields, type, Enter. */
async function logInByKeyboard(page: Page, who: Account): Promise<void> {
  await page.goto('/#/login');
  await page.locator('form[data-form="login"]').waitFor();
  await tabTo(page, 'form[data-form="login"] input[name=username]', { unlessThere: true });
  await page.keyboard.type(who.name);
  await nextTabIs(page, 'form[data-form="login"] input[name=password]');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/status');
  await waitForPageFocus(page);
}

/** The class of the first element in the document's tab order (rendered, enabled, tabindex not negative). */
function firstTabStop(page: Page): Promise<string> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const focusable = 'a[href], button, input, select, textarea, [tabindex]';
    const first = [...g.document.querySelectorAll(focusable)].find(
      (e: any) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && g.getComputedStyle(e).visibility === 'visible',
    );
    return first ? String(first.className) : 'none';
  });
}

/** Whether an element is shown (rendered with a size and not hidden by visibility). */
function shown(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().isVisible();
}

test('keyboard alone at 1280 px: skip link, log in, the navigation to Send SMS, and a message sent', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t);
  // The login form opens with the user name field focused; Tab to the password, Enter logs in.
  await page.goto('/#/login');
  await page.locator('form[data-form="login"]').waitFor();
  await tabTo(page, 'form[data-form="login"] input[name=username]', { unlessThere: true });
  await assertFocusVisible(page);
  await page.keyboard.type(r.admin.name);
  await nextTabIs(page, 'form[data-form="login"] input[name=password]');
  await page.keyboard.type(r.admin.password);
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/status');
  await waitForPageFocus(page);

  // From the page heading back into the navigation (the Menu button is hidden at this width); Enter opens Send SMS.
  assert.equal(await shown(page, MENU), false, 'the Menu button is shown at 1280 px');
  await tabTo(page, 'nav a[data-nav="sms-send"]', { back: true });
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/sms/send');
  assert.equal(await page.locator('nav a[data-nav="sms-send"]').getAttribute('aria-current'), 'page');
  await waitForPageFocus(page);

  // The skip link is the first Tab stop of the page; Enter on it moves the focus to the main content,
  // so the next Tab reaches the form's first field.
  await tabTo(page, SKIP_LINK, { back: true });
  assert.equal(await firstTabStop(page), 'skip-link', 'the skip link is not the first Tab stop');
  assert.ok(await shown(page, SKIP_LINK), 'the focused skip link is not shown');
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  assert.ok(await focusedIs(page, 'main#main'), `Enter on the skip link focused ${await focusedName(page)}`);

  // The form by keys: number, text, then Tab on to the send button and Enter.
  await nextTabIs(page, 'form[data-form="sms-send"] input[name=to]');
  await page.keyboard.type('+8613912345678');
  await nextTabIs(page, 'form[data-form="sms-send"] textarea[name=text]');
  await page.keyboard.type('typed, never clicked');
  await tabTo(page, 'form[data-form="sms-send"] button[type=submit]', { max: 5 });
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  const queued = page.locator('[data-sms-queued]').first();
  await queued.waitFor({ timeout: 15_000 });
  const id = await queued.getAttribute('data-sms-queued');
  assert.equal(((await r.api.ok('GET', `/api/sms/${id}`)) as { text: string }).text, 'typed, never clicked');
  assert.deepEqual(problems, []);
});

test('keyboard alone at 375 px: the Menu button opens the folded navigation, Enter opens a page, Escape folds it', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t, PHONE);
  await logInByKeyboard(page, r.admin);

  // Folded: only the Menu button shows, and it says so.
  assert.equal(await shown(page, 'nav a[data-nav="status"]'), false, 'the navigation links are shown at 375 px before the menu is opened');
  const menu = page.locator(MENU);
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  const listId = await menu.getAttribute('aria-controls');
  assert.ok(listId, 'the Menu button names no list in aria-controls');
  assert.equal(await page.locator(`nav #${listId} a[data-nav="status"]`).count(), 1, `aria-controls="${listId}" does not name the link list`);

  // Shift+Tab from the page heading reaches the button; Enter opens the list; Tab enters it.
  await tabTo(page, MENU, { back: true });
  await assertFocusVisible(page);
  await page.keyboard.press('Enter');
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await nextTabIs(page, 'nav a[data-nav="status"]');
  assert.equal(await page.locator('nav a[data-nav="status"]').getAttribute('aria-current'), 'page');
  await assertFocusVisible(page);

  // Choosing a page opens it and folds the menu.
  await tabTo(page, 'nav a[data-nav="ussd"]');
  await page.keyboard.press('Enter');
  await waitForHash(page, '#/ussd');
  await waitForPageFocus(page);
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await shown(page, 'nav a[data-nav="ussd"]'), false, 'the menu stayed open after a page was chosen');
  assert.equal(await page.locator('nav a[data-nav="ussd"]').getAttribute('aria-current'), 'page');
  // The USSD form starts on a line, so a code can be sent without touching the select.
  const ussdLine = 'form[data-form="ussd"] select[name=line]';
  await page
    .waitForFunction((sel) => (globalThis as any).document.querySelector(sel)?.value === '1', ussdLine, { timeout: 10_000 })
    .catch(async () => assert.fail(`the USSD line select shows "${await page.locator(ussdLine).inputValue()}", not line 1`));

  // Escape folds the open menu and gives the focus back to the button.
  await tabTo(page, MENU, { back: true });
  await page.keyboard.press('Enter');
  await nextTabIs(page, 'nav a[data-nav="status"]');
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.ok(await focusedIs(page, MENU), `after Escape the focus is on ${await focusedName(page)}`);
  assert.equal(await shown(page, 'nav a[data-nav="status"]'), false, 'Escape did not fold the menu');

  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth), PHONE.width);
  assert.deepEqual(problems, []);
});

test('the PIN/PUK form starts on the first line whose card asks for a code, else the first line', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logInByKeyboard(page, r.admin);
  await page.goto('/#/unlock');
  await waitForPageFocus(page);
  const { lines } = (await r.api.ok('GET', '/api/lines')) as { lines: { id: number; sim: { state: string | null } }[] };
  const ids = lines.map((l) => l.id).sort((a, b) => a - b);
  const locked = ids.find((id) => ['SIM PIN', 'SIM PUK'].includes(String(lines.find((l) => l.id === id)?.sim.state)));
  const expected = String(locked ?? ids[0]);
  await page
    .waitForFunction((want) => (globalThis as any).document.querySelector('form[data-form="unlock"] select[name=line]')?.value === want, expected, { timeout: 10_000 })
    .catch(async () => assert.fail(`the line select shows "${await page.locator('form[data-form="unlock"] select[name=line]').inputValue()}", not line ${expected}`));
});

test('nothing in the tab order is invisible on the status and Send SMS pages at 1280 px', { timeout: 90_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logInByKeyboard(page, r.admin);
  await page.locator('[data-line="4"]').first().waitFor({ timeout: 10_000 });
  const unseen: string[] = [];
  for (const route of ['#/status', '#/sms/send']) {
    if (route !== '#/status') {
      await page.goto(`/${route}`);
      await waitForPageFocus(page);
    }
    // From the top of the tab order (the skip link) round the whole page, once.
    await tabTo(page, SKIP_LINK, { back: true });
    const visited = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const at = await page.evaluate(() => {
        const g = globalThis as any;
        const a = g.document.activeElement;
        if (!a || a === g.document.body) return null;
        const rect = a.getBoundingClientRect();
        let hidden = g.getComputedStyle(a).visibility !== 'visible';
        for (let e = a; e; e = e.parentElement) if (g.getComputedStyle(e).opacity === '0') hidden = true;
        const onScreen = rect.width >= 2 && rect.height >= 2 && rect.right > 0 && rect.bottom > 0 && rect.left < g.innerWidth && rect.top < g.innerHeight;
        return { index: [...g.document.querySelectorAll('*')].indexOf(a) as number, visible: onScreen && !hidden };
      });
      if (at === null || visited.has(at.index)) break;
      visited.add(at.index);
      if (!at.visible) unseen.push(`${route}: ${await focusedName(page)}`);
      await page.keyboard.press('Tab');
    }
    assert.ok(visited.size > 5, `only ${visited.size} tab stops on ${route}`);
  }
  assert.deepEqual(unseen, [], `focusable but not visible:\n${unseen.join('\n')}`);
});
