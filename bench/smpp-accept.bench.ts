/**
 * SMPP acceptance (issue 5): submit_sm accepted per second, with p50/p99 submit → submit_sm_resp
 * latency, at windows 1, 10 and 100, for
 *  - the bare `smpp` 0.5.1 library's own server answering bind and every submit_sm at once, and
 *  - cellgate's SMSC (SmscServer + SmppBackend + SmsRouter + MessageStore): each submit_sm_resp goes
 *    out only after the message is committed to the outbox and the WAL fdatasynced (WalSync: the
 *    fsync runs on libuv's thread pool while the event loop goes on); submits of the same event-loop
 *    turn share one commit (GroupCommit), commits made while a sync runs share the next one.
 * No scheduler runs: this measures acceptance, not sending.
 *
 * Each server gets one ESME (the `smpp` library's client, bound as transmitter) in a child process
 * (bench/helpers/smpp-esme.ts, the same script for all), keeping exactly W submits outstanding. The
 * servers stay up side by side and each window is measured on each in turn, back to back. A third,
 * diagnostic row runs cellgate's SmscServer with a backend that keeps nothing (bench/helpers/
 * instant-backend.ts): the SMPP layer's own cost, to tell it apart from the durable store's.
 * Targets: cellgate ≥ 0.5× the bare library (judged at W=10 and W=100, where submits can share a
 * commit; at W=1 every submit waits for its own fsync) and p99 ≤ 20 ms at W=10.
 *
 * The database lives under $CELLGATE_BENCH_DIR (default: the OS temp directory); its file system is
 * printed with the figures. Options: --seconds N per window (default 3), --warmup MS (default 500).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import smpp, { type PduInstance, type Session } from 'smpp';
import { SmscServer } from '../src/smpp/server.js';
import type { SmscBackend } from '../src/smpp/types.js';
import { SmppBackend } from '../src/sms/smpp-backend.js';
import { SmsRouter } from '../src/sms/sms-router.js';
import { MessageStore } from '../src/store/message-store.js';
import { silentLogger } from '../src/util/log.js';
import { benchDir, smppConfig, smsConfig } from './helpers/bench-util.js';
import { InstantBackend } from './helpers/instant-backend.js';
import type { ChildMessage, RunRequest, RunResult } from './helpers/smpp-esme.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, warmup: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 3);
const WARMUP_MS = Number(values.warmup ?? 500);
if (!(SECONDS > 0 && WARMUP_MS >= 0)) {
  console.error('smpp-accept bench: --seconds must be positive and --warmup non-negative');
  process.exit(2);
}
const WINDOWS = [1, 10, 100] as const;
const ACCOUNT = { systemId: 'bench', password: 'pw' };

// ------------------------------------------------------------------ the client process

/** Under tsx this file is .ts, compiled it is .js: fork the helper of the same kind. */
const esmeScript = fileURLToPath(new URL(`./helpers/smpp-esme${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

class Esme {
  private readonly child: ChildProcess;
  private waiting: ((m: ChildMessage) => void) | null = null;
  private failure: string | null = null;

  constructor(port: number) {
    this.child = fork(esmeScript, [String(port), ACCOUNT.systemId, ACCOUNT.password], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: ChildMessage) => {
      if (m.type === 'error') this.failure = m.message;
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
    this.child.on('exit', (code) => {
      const w = this.waiting;
      this.waiting = null;
      w?.({ type: 'error', message: this.failure ?? `ESME process exited with code ${code}` });
    });
  }

  private next(): Promise<ChildMessage> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async bound(): Promise<void> {
    const m = await this.next();
    if (m.type !== 'bound') throw new Error(m.type === 'error' ? m.message : `unexpected ${m.type}`);
  }

  async run(window: number): Promise<RunResult> {
    const p = this.next();
    this.child.send({ type: 'run', window, seconds: SECONDS, warmupMs: WARMUP_MS } satisfies RunRequest);
    const m = await p;
    if (m.type !== 'result') throw new Error(m.type === 'error' ? m.message : `unexpected ${m.type}`);
    return m;
  }

  async quit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'quit' });
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  }
}

// ------------------------------------------------------------------ the two servers

interface Running {
  port: number;
  close(): Promise<void>;
}

/** The smpp library's own server: bind and every submit_sm answered at once. */
async function startBare(): Promise<Running> {
  let id = 0;
  type SmppServer = NetServer;
  const lib = smpp as unknown as { createServer(listener: (s: Session) => void): SmppServer };
  const server = lib.createServer((session) => {
    session.on('error', () => undefined);
    session.socket.setNoDelay(true);
    const ok = (pdu: PduInstance, fields: Record<string, unknown> = {}): void => void session.send(pdu.response(fields));
    session.on('bind_transmitter', (pdu: PduInstance) => ok(pdu, { system_id: 'bare' }));
    session.on('submit_sm', (pdu: PduInstance) => ok(pdu, { message_id: String(++id) }));
    session.on('enquire_link', (pdu: PduInstance) => ok(pdu));
    session.on('unbind', (pdu: PduInstance) => {
      ok(pdu);
      session.close();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Cellgate extends Running {
  store: MessageStore;
  fs: string;
  dir: string;
}

/** cellgate's SMSC with the settings app.ts gives it, on a loopback ephemeral port. */
async function startSmsc(backend: SmscBackend): Promise<{ server: SmscServer; port: number }> {
  const smppCfg = smppConfig(ACCOUNT);
  const server = new SmscServer({
    backend,
    log: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    windowSize: smppCfg.windowSize,
    responseTimeoutMs: smppCfg.responseTimeoutSec * 1000,
    enquireLinkIntervalMs: smppCfg.enquireLinkSec * 1000,
  });
  const { port } = await server.listen();
  return { server, port };
}

/** The real thing: SmscServer → SmppBackend → SmsRouter → MessageStore (durable) in a temporary directory. */
async function startCellgate(): Promise<Cellgate> {
  const tmp = benchDir('cellgate-smpp-bench-');
  const log = silentLogger();
  const sms = smsConfig();
  const smppCfg = smppConfig(ACCOUNT);
  const store = MessageStore.open(tmp.dir);
  try {
    const router = new SmsRouter({ store, config: () => sms, linePrefixes: () => [], onQueued: () => undefined, log });
    const backend = new SmppBackend({ store, router, config: () => smppCfg, lineNumber: () => null, log });
    const { server, port } = await startSmsc(backend);
    return {
      port,
      store,
      fs: tmp.fs,
      dir: tmp.dir,
      close: async () => {
        await server.close();
        store.close();
        tmp.remove();
      },
    };
  } catch (e) {
    store.close();
    tmp.remove();
    throw e;
  }
}

/** Diagnostic: the same SmscServer with a backend that keeps nothing (the SMPP layer's own cost). */
async function startNoStore(): Promise<Running> {
  const { server, port } = await startSmsc(new InstantBackend(ACCOUNT));
  return { port, close: () => server.close() };
}

// ------------------------------------------------------------------ measuring

interface Row extends RunResult {
  server: 'bare smpp' | 'cellgate' | 'no store*';
  commits?: number;
  writes?: number;
}

/** One window on one server through its (bound) ESME; for cellgate also the commits it took. */
async function measure(server: Row['server'], esme: Esme, window: number, store?: MessageStore): Promise<Row> {
  const c0 = store ? { ...store.group.stats } : null;
  const row: Row = { ...(await esme.run(window)), server };
  if (store && c0) {
    row.commits = store.group.stats.commits - c0.commits;
    row.writes = store.group.stats.writes - c0.writes;
  }
  return row;
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const rate = (r: RunResult) => r.accepted / r.seconds;

async function main(): Promise<void> {
  // The servers run side by side; each window is measured on the bare library, on cellgate and on the
  // no-store diagnostic back to back, so that a change in machine load skews the ratios as little as it can.
  const started: Running[] = [];
  const esmes: Esme[] = [];
  const rows: Row[] = [];
  let stored = 0;
  let stats: MessageStore['group']['stats'];
  let walSyncs = 0;
  let cg: Cellgate;
  try {
    const bare = await startBare();
    started.push(bare);
    cg = await startCellgate();
    started.push(cg);
    const noStore = await startNoStore();
    started.push(noStore);
    const servers = [
      { name: 'bare smpp' as const, esme: new Esme(bare.port) },
      { name: 'cellgate' as const, esme: new Esme(cg.port), store: cg.store },
      { name: 'no store*' as const, esme: new Esme(noStore.port) },
    ];
    esmes.push(...servers.map((x) => x.esme));
    await Promise.all(esmes.map((e) => e.bound()));
    for (const w of WINDOWS) for (const x of servers) rows.push(await measure(x.name, x.esme, w, x.store));
    stored = cg.store.counts().queued;
    stats = { ...cg.store.group.stats };
    walSyncs = cg.store.wal.stats.syncs;
  } finally {
    await Promise.all(esmes.map((e) => e.quit()));
    for (const s of started) await s.close();
  }
  const bareRows = rows.filter((r) => r.server === 'bare smpp');
  const order = (r: Row) => ['bare smpp', 'cellgate', 'no store*'].indexOf(r.server) * 1000 + r.window;
  rows.sort((a, b) => order(a) - order(b));

  console.log(
    `smpp-accept: per server one ESME (smpp library client, separate process) bound as transmitter; ${SECONDS} s per window after ${WARMUP_MS} ms warm-up; the servers measured back to back, window by window`,
  );
  console.log(`smpp-accept: cellgate's outbox in ${cg.dir}: ${cg.fs}; SQLite WAL; submit_sm_resp after COMMIT and an fdatasync of the WAL (WalSync)`);
  const head = ['server', 'window', 'msg/s', 'p50 ms', 'p99 ms', 'max ms', 'vs bare', 'commits', 'msgs/commit', 'targets'];
  const table: string[][] = [head];
  for (const r of rows) {
    const b = bareRows.find((x) => x.window === r.window)!;
    const ratio = rate(r) / rate(b);
    let target = '';
    if (r.server === 'cellgate') {
      const notes: string[] = [];
      if (r.window === 1) notes.push(`(one fsync per submit; ${ratio >= 0.5 ? '≥' : '<'} 0.5× bare, not judged)`);
      else notes.push(`≥0.5× bare ${ratio >= 0.5 ? 'OK' : 'MISSED'}`);
      if (r.window === 10) notes.push(`p99≤20ms ${r.p99 <= 20 ? 'OK' : 'MISSED'}`);
      if (r.refused) notes.push(`${r.refused} refused (status 0x${(r.firstRefusal ?? 0).toString(16)})`);
      target = notes.join(', ');
    } else if (r.refused) target = `${r.refused} refused`;
    table.push([
      r.server,
      String(r.window),
      Math.round(rate(r)).toLocaleString('en'),
      f1(r.p50),
      f1(r.p99),
      f1(r.max),
      `${ratio.toFixed(2)}×`,
      r.commits !== undefined ? String(r.commits) : '',
      r.commits ? (r.writes! / r.commits).toFixed(1) : '',
      target,
    ]);
  }
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) console.log('  ' + row.map((c, i) => (i >= 2 && i <= 8 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  console.log('  (commits and msgs/commit: GroupCommit transactions during the window, warm-up included; every commit is covered by an fdatasync that started after it)');
  console.log("  *no store: cellgate's SmscServer with a backend that answers at once and keeps nothing (not durable): the SMPP layer's own cost, for comparison");
  console.log(
    `smpp-accept: cellgate GroupCommit over the whole run: ${stats!.commits} commits, ${stats!.writes} writes, largest batch ${stats!.largest}; ${walSyncs} WAL fdatasyncs; ${stored} messages queued in the outbox at the end (accepted and durable)`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
