/**
 * The daemon's memory budget (docs/decisions/0018-memory-budget.md), printed beside its targets:
 *
 * M1 idle: `cellgate start` with 32 lines on the simulator's ptys and every feature configured (SMPP
 *    SMSC with a bound ESME, forwarding by e-mail and webhook, mail): RSS ≤ 100 MB.
 * M2 under load: the soak's traffic (API and SMPP sends, SMS from outside, test calls) for
 *    CELLGATE_BENCH_LOAD_SEC seconds (default 90): RSS and its high-water mark ≤ budget + 20 MB.
 *
 * The process exits non-zero when a figure is over its target, so the budget holds for what comes.
 * CELLGATE_BENCH_HEAPSNAPSHOT=DIR writes the daemon's heap snapshots (idle, after load) there; taking
 * one leaves its own memory behind in the process, so the RSS figures of such a run are not comparable.
 * CELLGATE_BENCH_NODE_FLAGS="--flag ..." adds node flags to the daemon's, to measure one before it
 * goes on the `#!` line; environment variables set for the bench reach the daemon too.
 */
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { mb, procStat, sleep, startGateway, startReceivers, USER_HZ } from './helpers/gateway-under-test.js';
import { FIELD_TEST_RATES, Traffic } from './helpers/traffic.js';
import { RSS_BUDGET_MB, UNDER_LOAD_ALLOWANCE_MB } from './memory-budget.js';


const N = 32;
const loadSec = Number(process.env.CELLGATE_BENCH_LOAD_SEC ?? 90);
const snapDir = process.env.CELLGATE_BENCH_HEAPSNAPSHOT;

async function snapshot(gw: { daemon: { pid?: number }; dir: string }, name: string): Promise<void> {
  if (!snapDir) return;
  process.kill(gw.daemon.pid!, 'SIGUSR2');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await sleep(500);
    const f = readdirSync(process.cwd()).find((x) => x.endsWith('.heapsnapshot'));
    if (f) {
      await sleep(2000); // written in one go, but give it time to finish
      renameSync(f, join(snapDir, `${name}.heapsnapshot`));
      return;
    }
  }
}

const receivers = await startReceivers();
const extraFlags = (process.env.CELLGATE_BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const gw = await startGateway({ modems: N, receivers, nodeFlags: [...extraFlags, ...(snapDir ? ['--heapsnapshot-signal=SIGUSR2'] : [])] });
const split = (s: { anon: number; file: number }) => `(anon ${mb(s.anon)}, file ${mb(s.file)})`;
let over = false;
const traffic = new Traffic(gw, FIELD_TEST_RATES, N);
try {
  await traffic.start(); // binds the ESME; the traffic loops run until stop()
  await traffic.stop();
  await sleep(15_000);
  const idle = procStat(gw.daemon.pid!);
  await snapshot(gw, 'idle');
  const idleOk = idle.rss / 2 ** 20 <= RSS_BUDGET_MB;
  over ||= !idleOk;
  console.log(`M1 daemon idle, ${N} lines, SMPP + forwarding + mail + webhook configured, an ESME bound: RSS ${mb(idle.rss)} MB ${split(idle)}  budget ≤ ${RSS_BUDGET_MB} MB ${idleOk ? 'ok' : 'OVER'}`);

  const loaded = new Traffic(gw, FIELD_TEST_RATES, N);
  await loaded.start();
  const c0 = procStat(gw.daemon.pid!);
  await sleep(loadSec * 1000);
  await loaded.stop();
  const c1 = procStat(gw.daemon.pid!);
  await sleep(5000);
  const after = procStat(gw.daemon.pid!);
  await snapshot(gw, 'after-load');
  loaded.close();
  const limit = RSS_BUDGET_MB + UNDER_LOAD_ALLOWANCE_MB;
  const peak = Math.max(c1.rss, after.rss) / 2 ** 20;
  const hwm = after.hwm / 2 ** 20;
  const loadOk = peak <= limit && hwm <= limit;
  over ||= !loadOk;
  const cpu = ((c1.cpuTicks - c0.cpuTicks) / USER_HZ / loadSec) * 100;
  console.log(
    `M2 under load for ${loadSec} s (${loaded.api.sent} API SMS, ${loaded.smpp.sent} SMPP SMS, ${loaded.inbound.sent} SMS from outside, ${loaded.calls.sent} test calls): ` +
      `RSS ${mb(c1.rss)} MB at the end ${split(c1)}, ${mb(after.rss)} MB 5 s later, high-water ${hwm.toFixed(1)} MB  target ≤ ${limit} MB ${loadOk ? 'ok' : 'OVER'}; daemon CPU ${cpu.toFixed(1)} %`,
  );
} finally {
  traffic.close();
  await gw.stop();
  await receivers.close();
}
process.exit(over ? 1 : 0);
