/**
 * Durable counter store: latency of one counted event (a CDR plus its two per-SIM state documents, one
 * transaction, WAL fsynced with synchronous=FULL) paced at 100 events/s for 10 s, then unpaced
 * throughput, then the cost of the open-time checks on the resulting file.
 * Target (issue 4): a counted event durable within 10 ms p99 under 100 events/s.
 *
 * The database lives in a temporary directory under $CELLGATE_BENCH_DIR (default: the OS temp
 * directory); fsync cost depends entirely on that disk, so the file system is printed with the figures.
 * Options: --rate N (events/s, default 100), --seconds N (paced duration, default 10).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CounterStore } from '../src/store/counter-store.js';
import { type CallRecord, type SmsRecord, simKey, slotKey } from '../src/store/records.js';

const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' } } });
const RATE = Number(values.rate ?? 100);
const SECONDS = Number(values.seconds ?? 10);
if (!(RATE > 0 && SECONDS > 0)) {
  console.error('store bench: --rate and --seconds must be positive numbers');
  process.exit(2);
}

const T0 = Date.UTC(2025, 0, 1);

function event(n: number): { call?: CallRecord; sms?: SmsRecord } {
  const sim = n % 16;
  const line = `L${1 + (sim >> 2)}`;
  const slot = sim & 3;
  const iccid = `89860000000000000${String(sim).padStart(2, '0')}`;
  if (n % 4 === 3) return { sms: { id: `${line}:s${n}`, line, slot, iccid, direction: 'out', number: '+8613800138000', at: T0 + n * 10, parts: 1, ok: true } };
  const d = (n * 37) % 300;
  return {
    call: {
      id: `${line}:c${n}`,
      line,
      slot,
      iccid,
      direction: 'out',
      number: '+8613800138000',
      startedAt: T0 + n * 10,
      alertedAt: T0 + n * 10 + 2000,
      answeredAt: T0 + n * 10 + 5000,
      endedAt: T0 + n * 10 + 5000 + d * 1000,
      durationS: d,
      billedS: Math.ceil(d / 60) * 60,
      cause: 'normal',
    },
  };
}

/** A state document of realistic size (the engine's per-SIM counters). */
function stateJson(n: number): string {
  return JSON.stringify({
    v: 1,
    calls: n,
    connected: n - (n >> 3),
    seconds: n * 61,
    billedSeconds: n * 120,
    sms: n >> 2,
    today: { day: '2025-01-01', calls: n % 500, sms: n % 50 },
    remaining: { minutes: 1000 - (n % 1000), calls: 'NO LIMIT', sms: 200 - (n % 200) },
    consecutive: { noAnswer: 0, failed: 0, noRinging: 0, short: n % 3 },
    boundAt: T0,
    lastConnectedAt: T0 + n * 10,
    disabledUntil: null,
  });
}

function record(store: CounterStore, n: number): void {
  const e = event(n);
  const r = e.call ?? e.sms!;
  const updates = [
    { key: simKey(r.iccid!), json: stateJson(n) },
    { key: slotKey(r.line, r.slot), json: stateJson(n) },
  ];
  const res = e.call ? store.recordCall(e.call, updates) : store.recordSms(e.sms!, updates);
  if (res.outcome !== 'recorded') throw new Error(`event ${n} not recorded: ${res.outcome}`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function fsType(dir: string): string {
  // longest mount point that prefixes the directory (Linux); "unknown" elsewhere
  try {
    const real = fs.realpathSync(dir);
    let best = { mnt: '', type: 'unknown', dev: '' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [dev, mnt, type] = line.split(' ');
      if (dev && mnt && type && (real === mnt || real.startsWith(mnt.endsWith('/') ? mnt : `${mnt}/`)) && mnt.length >= best.mnt.length) best = { mnt, type, dev };
    }
    return `${best.type} on ${best.dev}`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const base = process.env.CELLGATE_BENCH_DIR ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'cellgate-store-bench-'));
  try {
    const store = CounterStore.open(dir);
    let n = 0;
    // warm-up: statements, page cache, WAL file allocation
    for (let i = 0; i < 200; i++) record(store, ++n);

    // paced: one event every 1/RATE s on a fixed schedule (a late event does not shift the next ones)
    const total = Math.round(RATE * SECONDS);
    const lat: number[] = [];
    const interval = 1000 / RATE;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      record(store, ++n);
      lat.push(performance.now() - t0);
    }
    const pacedSeconds = (performance.now() - start) / 1000;
    lat.sort((a, b) => a - b);

    // unpaced: back to back for 3 s
    const u0 = performance.now();
    let unpaced = 0;
    while (performance.now() - u0 < 3000) {
      record(store, ++n);
      unpaced++;
    }
    const perSec = unpaced / ((performance.now() - u0) / 1000);
    store.close();

    const file = path.join(dir, 'cellgate.db');
    const size = fs.statSync(file).size;
    const openCost = (check: 'schema' | 'quick'): number => {
      const t0 = performance.now();
      CounterStore.open(dir, { check }).close();
      return performance.now() - t0;
    };
    openCost('schema');
    const schemaMs = openCost('schema');
    const quickMs = openCost('quick');

    console.log(`store: database in ${dir} (${fsType(dir)}), synchronous=FULL, WAL`);
    console.log(
      `store: durable event p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${lat[lat.length - 1]!.toFixed(2)} ms at ${RATE}/s over ${pacedSeconds.toFixed(1)} s (${total} events; target p99 <= 10 ms) ${pct(lat, 99) <= 10 ? 'OK' : 'MISSED'}`,
    );
    console.log(`store: unpaced ${perSec.toFixed(0)} durable events/s (${unpaced} events, one transaction each)`);
    console.log(`store: open with schema check ${schemaMs.toFixed(1)} ms, with quick_check ${quickMs.toFixed(1)} ms (${(size / 1e6).toFixed(1)} MB, ${n} events)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
