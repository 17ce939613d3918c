/**
 * The field-test soak (not part of `npm test`): the gateway with 32 lines on the simulator and every
 * feature configured, under mixed traffic (API and SMPP sends, SMS from outside, test calls), with a
 * random modem fault (hang, stuck-prompt, garbage, reset, power-cycle, unplug) injected on one of the
 * first four lines every 40-90 s. A fault the simulator refuses (409: a hang while the modem restarts, a
 * prompt while it is hung) is logged and not counted. Each line's reset command power-cycles its
 * simulated modem (bench/helpers/gateway-under-test.ts), as a power switch would.
 *
 *   node dist/bench/soak/soak.js [--minutes N] [--lines N]   (default 25 min, 32 lines; `npm run soak -- --minutes 3`)
 *
 * Prints: items sent/received per channel with their final states, duplicates, losses, per-fault
 * recovery times (min/median/max; target ≤ 30 s) and hang detection times (target ≤ 10 s), lines not
 * healthy at the end (target 0), RSS at 5 and 25 minutes (or the end) beside the memory budget, CPU.
 * Exits non-zero when a target is missed.
 */
import { parseArgs } from 'node:util';
import { mb, procStat, sleep, startGateway, startReceivers, USER_HZ, type Gateway } from '../helpers/gateway-under-test.js';
import { FIELD_TEST_RATES, Traffic } from '../helpers/traffic.js';
import { RSS_BUDGET_MB, UNDER_LOAD_ALLOWANCE_MB } from '../memory-budget.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '25' }, lines: { type: 'string', default: '32' } } });
const minutes = Number(values.minutes);
const N = Number(values.lines);
if (!(minutes > 0) || !Number.isInteger(N) || N < 4) {
  console.error('usage: soak [--minutes N] [--lines N≥4]');
  process.exit(2);
}
const FAULTS = ['hang', 'stuck-prompt', 'garbage', 'reset', 'power-cycle', 'unplug'] as const;
type Fault = (typeof FAULTS)[number];
const RECOVERY_TARGET_S = 30;
const HANG_DETECT_TARGET_S = 10;

interface LineView {
  id: number;
  lifecycle: string;
  health: string;
  operator: string | null;
}

async function lineStates(gw: Gateway): Promise<LineView[]> {
  const r = await fetch(`${gw.apiUrl}/api/lines`, { headers: gw.auth, signal: AbortSignal.timeout(5000) });
  return ((await r.json()) as { lines: LineView[] }).lines;
}

/** Registered with an operator and `ok`: a line that owes an answer shows `unresponsive` while still registered. */
const healthy = (l: LineView | undefined) => !!l && l.lifecycle === 'registered' && !!l.operator && l.health === 'ok';

interface FaultRecord {
  fault: Fault;
  line: number;
  at: number;
  /** When the line was first seen not healthy (the fault detected). */
  detected: number | null;
  recovered: number | null;
}

const faults: FaultRecord[] = [];

/** Injects a fault and follows its line until it is healthy again (or the run ends). */
async function injectFault(gw: Gateway, stopAt: number): Promise<void> {
  const fault = FAULTS[Math.floor(Math.random() * FAULTS.length)]!;
  const modem = 1 + Math.floor(Math.random() * 4);
  const rec: FaultRecord = { fault, line: modem, at: Date.now(), detected: null, recovered: null };
  const body = fault === 'unplug' ? { fault, ms: 3000 } : { fault };
  const r = await fetch(`${gw.controlUrl}/modems/${modem}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
  if (!r?.ok) {
    // 409: the fault cannot take effect now (a hang while the modem restarts, a prompt while it is hung).
    console.log(`fault ${fault} on modem ${modem}: the simulator refused (${r?.status ?? 'no answer'}${r ? `: ${((await r.json().catch(() => ({}))) as { error?: string }).error ?? ''}` : ''})`);
    if (r?.status !== 409) faults.push(rec);
    return;
  }
  faults.push(rec);
  // A fault that only garbles output may never take the line down: it counts as recovered when the
  // line is healthy after it, whether or not it was seen unhealthy. A hung modem never answers again by
  // itself: its line is recovered only after it was seen unhealthy.
  const settle = fault === 'hang' ? Infinity : Date.now() + 2000;
  while (Date.now() < stopAt + 60_000) {
    await sleep(500);
    const line = (await lineStates(gw).catch(() => []) as LineView[]).find((l) => l.id === modem);
    if (!healthy(line)) rec.detected ??= Date.now();
    else if (rec.detected !== null || Date.now() > settle) {
      rec.recovered = Date.now();
      return;
    }
  }
}

function stats(xs: number[]): string {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(1)} s, median ${s[Math.floor((s.length - 1) / 2)]!.toFixed(1)} s, max ${s[s.length - 1]!.toFixed(1)} s`;
}

const receivers = await startReceivers();
console.log(`soak: ${minutes} min, ${N} lines, faults on lines 1-4 every 40-90 s`);
const gw = await startGateway({ modems: N, receivers });
const pid = gw.daemon.pid!;
const traffic = new Traffic(gw, FIELD_TEST_RATES, N);
let failed = false;
try {
  await traffic.start();
  const t0 = Date.now();
  const stopAt = t0 + minutes * 60_000;
  const cpu0 = procStat(pid);
  const rssAt: Record<string, number> = {};
  const marks = [5, 25].filter((m) => m < minutes).map((m) => t0 + m * 60_000);
  const followers: Promise<void>[] = [];
  let nextFault = t0 + (40 + Math.random() * 50) * 1000;
  while (Date.now() < stopAt) {
    await sleep(1000);
    const now = Date.now();
    while (marks.length > 0 && now >= marks[0]!) {
      const m = Math.round((marks.shift()! - t0) / 60_000);
      rssAt[`${m} min`] = procStat(pid).rss;
      console.log(`  ${m} min: RSS ${mb(rssAt[`${m} min`]!)} MB`);
    }
    if (now >= nextFault && now < stopAt) {
      followers.push(injectFault(gw, stopAt));
      nextFault = now + (40 + Math.random() * 50) * 1000;
    }
  }
  const cpu1 = procStat(pid);
  rssAt[`${minutes} min (end)`] = cpu1.rss;
  await traffic.stop();
  // Let what is queued settle and the faulted lines come back before counting.
  await Promise.race([Promise.all(followers), sleep(60_000)]);
  await sleep(20_000);
  const { duplicates, losses } = await traffic.tally();
  // A line is counted when two reads 3 s apart find it not healthy (one late answer under load shows as
  // `unresponsive` for a moment).
  const first = await lineStates(gw);
  await sleep(3000);
  const again = new Map((await lineStates(gw)).map((l) => [l.id, l]));
  const unhealthy = first.filter((l) => !healthy(l) && !healthy(again.get(l.id))).map((l) => `${l.id} (${again.get(l.id)?.lifecycle}/${again.get(l.id)?.health})`);

  const ch = (name: string, c: { sent: number; errors: number; states: Record<string, number> }) =>
    console.log(`${name.padEnd(16)} sent ${c.sent}, refused at submit ${c.errors}; final: ${Object.entries(c.states).map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`);
  console.log('\n== items');
  ch('API SMS', traffic.api);
  ch('SMPP SMS', traffic.smpp);
  ch('SMS from outside', traffic.inbound);
  ch('test calls', traffic.calls);
  console.log(`forwards received: webhook ${receivers.webhooks}, e-mail ${receivers.mails}; SMPP deliver_sm of received SMS ${[...traffic.smppMo.values()].reduce((a, b) => a + b, 0)}`);
  console.log(`duplicates: ${Object.entries(duplicates).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`losses: ${Object.entries(losses).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (traffic.outsideUnread > 0) {
    console.log(`outside SMS parts dropped by the simulator before they were read: ${traffic.outsideUnread} (outbound losses unknown)`);
    failed = true;
  }

  console.log('\n== faults');
  for (const f of FAULTS) {
    const of = faults.filter((x) => x.fault === f);
    if (of.length === 0) continue;
    const rec = of.filter((x) => x.recovered !== null).map((x) => (x.recovered! - x.at) / 1000);
    const notRecovered = of.length - rec.length;
    const late = rec.filter((s) => s > RECOVERY_TARGET_S).length;
    failed ||= notRecovered > 0 || late > 0;
    let line = `${f.padEnd(13)} ×${of.length}: recovered ${stats(rec)}${notRecovered ? `; NOT recovered ${notRecovered}` : ''}${late ? `; over ${RECOVERY_TARGET_S} s: ${late}` : ''}`;
    if (f === 'hang') {
      const det = of.filter((x) => x.detected !== null).map((x) => (x.detected! - x.at) / 1000);
      const slow = det.filter((s) => s > HANG_DETECT_TARGET_S).length + (of.length - det.length);
      failed ||= slow > 0;
      line += `; detected ${stats(det)} (target ≤ ${HANG_DETECT_TARGET_S} s${slow ? `, missed ${slow}` : ''})`;
    }
    console.log(line);
  }
  console.log(`target: every fault recovered within ${RECOVERY_TARGET_S} s, hangs detected within ${HANG_DETECT_TARGET_S} s`);

  console.log('\n== end state');
  console.log(`lines not healthy at the end: ${unhealthy.length}${unhealthy.length ? ` (${unhealthy.join(', ')})` : ''}  target 0`);
  failed ||= unhealthy.length > 0 || Object.values(losses).some((n) => n > 0) || Object.values(duplicates).some((n) => n > 0);
  const limit = RSS_BUDGET_MB + UNDER_LOAD_ALLOWANCE_MB;
  const hwm = procStat(pid).hwm;
  for (const [k, v] of Object.entries(rssAt)) console.log(`RSS at ${k}: ${mb(v)} MB`);
  console.log(`RSS high-water ${mb(hwm)} MB; target ≤ ${limit} MB (budget ${RSS_BUDGET_MB} MB + ${UNDER_LOAD_ALLOWANCE_MB} MB under load), no growth from 5 to 25 min`);
  const at5 = rssAt['5 min'];
  const atEnd = rssAt['25 min'] ?? cpu1.rss;
  if (at5 !== undefined) console.log(`growth from 5 min to ${rssAt['25 min'] !== undefined ? 25 : minutes} min: ${mb(atEnd - at5)} MB`);
  failed ||= Math.max(...Object.values(rssAt)) / 2 ** 20 > limit;
  const secs = (Date.now() - t0) / 1000;
  console.log(`daemon CPU ${(((cpu1.cpuTicks - cpu0.cpuTicks) / USER_HZ / (minutes * 60)) * 100).toFixed(1)} % of one core (run ${secs.toFixed(0)} s)`);
} finally {
  traffic.close();
  await gw.stop();
  await receivers.close();
}
process.exit(failed ? 1 : 0);
