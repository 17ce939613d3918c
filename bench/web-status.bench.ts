/**
 * The operator UI's status page in headless Chromium against the demo daemon with 32 simulated lines:
 * bytes over the wire on a first (cold cache) load, time to first render, and the browser's CPU while
 * every line changes once a second. Targets from the issue: ≤ 150 KB compressed, < 10 % of a core.
 */
import { gzipSync } from 'node:zlib';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/browser/helpers/browser.js';
import { sleep, startDemoDaemon, type DemoDaemon } from '../test/browser/helpers/demo-daemon.js';

const LINES = 32;
const LOAD_RUNS = 3;
const CPU_SECONDS = 20;

/** A session cookie from POST /api/login, so the measured load is the status page's alone. */
async function sessionCookies(d: DemoDaemon): Promise<{ name: string; value: string; url: string }[]> {
  const r = await fetch(`${d.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: d.adminPassword }) });
  if (!r.ok) throw new Error(`login → ${r.status} ${await r.text()}`);
  return r.headers.getSetCookie().map((c) => {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), url: d.url };
  });
}

interface Load {
  bytes: number;
  /** `bytes` had every finished response body been gzipped (what a compressing server would send). */
  gzipEstimate: number;
  requests: number;
  /** The largest responses, path and bytes on the wire. */
  largest: [string, number][];
  compressed: boolean;
  fcpMs: number;
  linesShownMs: number;
}

/** Bytes as received (encodedDataLength: headers and body as on the wire, compressed if it was). */
function countBytes(cdp: CDPSession): { total(): number; requests(): number; finished: Map<string, number>; encodings: Set<string>; byUrl(): [string, number][] } {
  const perRequest = new Map<string, number>();
  const urls = new Map<string, string>();
  const finished = new Map<string, number>();
  const encodings = new Set<string>();
  cdp.on('Network.dataReceived', (e) => perRequest.set(e.requestId, (perRequest.get(e.requestId) ?? 0) + e.encodedDataLength));
  cdp.on('Network.loadingFinished', (e) => finished.set(e.requestId, e.encodedDataLength));
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    if (/javascript|css|html/.test(h['content-type'] ?? '')) encodings.add(h['content-encoding'] ?? 'identity');
    if (!perRequest.has(e.requestId)) perRequest.set(e.requestId, 0);
    urls.set(e.requestId, new URL(e.response.url).pathname);
  });
  return {
    // A finished request's own total; the event stream, still open, by the chunks received so far.
    total: () => [...perRequest.keys()].reduce((n, id) => n + (finished.get(id) ?? perRequest.get(id) ?? 0), 0),
    requests: () => perRequest.size,
    byUrl: () => [...perRequest.keys()].map((id): [string, number] => [urls.get(id) ?? id, finished.get(id) ?? perRequest.get(id) ?? 0]).sort((a, b) => b[1] - a[1]),
    finished,
    encodings,
  };
}

async function firstLoad(context: BrowserContext): Promise<Load> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const bytes = countBytes(cdp);
  await page.goto('/#/status');
  const linesShownMs = (await (await page.waitForFunction((n) => {
    const w = globalThis as any;
    return w.document.querySelectorAll('[data-line]').length >= n ? w.performance.now() : false;
  }, LINES, { timeout: 30_000 })).jsonValue()) as number;
  const fcpMs = await page.evaluate(() => {
    const fcp = (globalThis as any).performance.getEntriesByName('first-contentful-paint')[0];
    return fcp ? Number(fcp.startTime) : NaN;
  });
  await sleep(1000); // whatever the page fetches once the rows are up
  let gzipSaving = 0;
  for (const id of bytes.finished.keys()) {
    const b = await cdp.send('Network.getResponseBody', { requestId: id }).catch(() => null);
    if (!b) continue;
    const raw = Buffer.from(b.body, b.base64Encoded ? 'base64' : 'utf8');
    gzipSaving += Math.max(0, raw.length - gzipSync(raw).length);
  }
  const load = { bytes: bytes.total(), gzipEstimate: bytes.total() - gzipSaving, requests: bytes.requests(), largest: bytes.byUrl().slice(0, 6), compressed: [...bytes.encodings].some((e) => e !== 'identity'), fcpMs, linesShownMs };
  await page.close();
  return load;
}

/** The SIMs the lines use now, by IMSI, from the simulator's control API. */
async function boundImsis(controlApi: string): Promise<string[]> {
  const { modems } = (await (await fetch(`${controlApi}/modems`)).json()) as { modems: { slot: string; sims: { slot: string; imsi: string }[] }[] };
  return modems.flatMap((m) => m.sims.filter((s) => s.slot === m.slot).map((s) => s.imsi));
}

/** Every bound SIM's signal flips between two values once a second until `stop()`. */
function churnSignals(controlApi: string, imsis: string[]): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let tick = 0; running; tick++) {
      const started = Date.now();
      await Promise.all(imsis.map((imsi, i) => fetch(`${controlApi}/sims/${imsi}/signal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rssi: 12 + ((tick + i) % 2) * 8 }) }).then((r) => r.arrayBuffer())));
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  })();
  return { stop: async () => ((running = false), await loop) };
}

async function cpuUnderChurn(context: BrowserContext, controlApi: string): Promise<{ cpu: number; script: number; updatesPerSecond: number }> {
  const page: Page = await context.newPage();
  await page.goto('/#/status');
  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('[data-line]').length >= n, LINES, { timeout: 30_000 });
  // Count rows whose content changed (through the DevTools protocol: the page's CSP allows no eval).
  await page.evaluate(() => {
    const w = globalThis as any;
    w.__rowChanges = 0;
    new w.MutationObserver((records: any[]) => {
      const rows = new Set(records.map((r) => r.target.closest?.('[data-line]') ?? r.target.parentElement?.closest?.('[data-line]')).filter(Boolean));
      w.__rowChanges += rows.size;
    }).observe(w.document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const churn = churnSignals(controlApi, await boundImsis(controlApi));
  await sleep(3000); // the daemon's next polls pick the changes up
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  const changesBefore = (await page.evaluate(() => (globalThis as any).__rowChanges)) as number;
  const t0 = Date.now();
  await sleep(CPU_SECONDS * 1000);
  const after = await metrics();
  const changes = ((await page.evaluate(() => (globalThis as any).__rowChanges)) as number) - changesBefore;
  const wall = (Date.now() - t0) / 1000;
  await churn.stop();
  await page.close();
  return {
    cpu: (after.TaskDuration! - before.TaskDuration!) / wall,
    script: (after.ScriptDuration! - before.ScriptDuration!) / wall,
    updatesPerSecond: changes / wall,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // The signal is polled every probeIntervalMs: once a second, so each line can change once a second.
  const daemon = await startDemoDaemon({ config: { simulator: { mode: 'auto', modems: LINES, controlPort: 0 }, modems: { probeIntervalMs: 1000 } }, startTimeoutMs: 60_000 });
  const browser = await launchChromium();
  try {
    const cookies = await sessionCookies(daemon);
    const loads: Load[] = [];
    for (let i = 0; i < LOAD_RUNS; i++) {
      const context = await browser.newContext({ baseURL: daemon.url, viewport: { width: 1280, height: 800 } });
      await context.addCookies(cookies);
      loads.push(await firstLoad(context));
      await context.close();
    }
    const kb = median(loads.map((l) => l.bytes)) / 1024;
    const gzipKb = median(loads.map((l) => l.gzipEstimate)) / 1024;
    const compressed = loads[0]!.compressed;
    const judged = compressed ? kb : gzipKb;
    console.log(`web-status: demo daemon with ${LINES} simulated lines, headless Chromium (${browser.version()}), cold cache, 1280×800`);
    console.log(
      `first load of #/status: ${kb.toFixed(1)} KB on the wire in ${loads[0]!.requests} requests (headers, assets, API and event stream; median of ${LOAD_RUNS}), ` +
        (compressed
          ? `compressed by the server  target <= 150 KB compressed ${judged <= 150 ? 'OK' : 'MISSED'}`
          : `UNCOMPRESSED: the server does not compress; ${gzipKb.toFixed(1)} KB with every finished body gzipped  target <= 150 KB compressed ${judged <= 150 ? 'OK' : 'MISSED'} (on the gzip estimate)`),
    );
    console.log(`  largest responses of the first load: ${loads[0]!.largest.map(([u, n]) => `${u} ${(n / 1024).toFixed(1)} KB`).join(', ')}`);
    console.log(`time to first render: first contentful paint ${median(loads.map((l) => l.fcpMs)).toFixed(0)} ms, all ${LINES} lines shown ${median(loads.map((l) => l.linesShownMs)).toFixed(0)} ms after navigation start (medians; runs ${loads.map((l) => `${l.fcpMs.toFixed(0)}/${l.linesShownMs.toFixed(0)}`).join(', ')} ms)`);

    const context = await browser.newContext({ baseURL: daemon.url, viewport: { width: 1280, height: 800 } });
    await context.addCookies(cookies);
    const c = await cpuUnderChurn(context, daemon.controlApi);
    await context.close();
    console.log(
      `browser CPU with ${LINES} lines each changing once a second, over ${CPU_SECONDS} s: ${(c.cpu * 100).toFixed(1)} % of a core on the page's main thread (script ${(c.script * 100).toFixed(1)} %), ${c.updatesPerSecond.toFixed(1)} row updates/s seen  target < 10 % ${c.cpu < 0.1 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await browser.close();
    await daemon.stop();
  }
}

await main();
