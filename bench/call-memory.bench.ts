/**
 * The daemon's memory over many short calls (issue 13's 500-call run saw its RSS climb with the call
 * count): `cellgate start` in its own process on simulated pty modems (bench/helpers/pty-gateway.ts), one
 * SIP client per line placing short SIP → GSM calls to an echoing outside number, one after another, ended
 * by BYE. After every batch of calls, once idle, the daemon collects garbage and reports its own figures
 * (bench/helpers/memory-probe.ts): RSS, V8 heap used, external and array buffers, the anonymous part of
 * its mappings; printed beside the budget (bench/memory-budget.ts). A leak grows with every batch; a
 * high-water mark stops growing after the first ones.
 * Options (environment): CELLGATE_BENCH_CALLS (default 500), CELLGATE_BENCH_CALL_LINES (default 8),
 * CELLGATE_BENCH_CALL_BATCH (default 100), CELLGATE_BENCH_CALL_AUDIO_MS (default 200),
 * CELLGATE_BENCH_CALL_IDLE_MS (default 35000, the idle wait before the last row), CELLGATE_BENCH_HEAPSNAPSHOT=DIR
 * writes a heap snapshot after the first batch and at the end there, each after the idle wait (writing
 * one raises the RSS of the rows after it).
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RtpPeer } from '../test/e2e/helpers/rtp-peer.js';
import { RSS_BUDGET_MB, UNDER_LOAD_ALLOWANCE_MB } from './memory-budget.js';
import { procStat, sleep } from './helpers/gateway-under-test.js';
import { startPtyGateway } from './helpers/pty-gateway.js';
import { SipCallUac, type SipDialog } from './helpers/sip-call-uac.js';

const CALLS = Number(process.env.CELLGATE_BENCH_CALLS ?? 500);
const LINES = Number(process.env.CELLGATE_BENCH_CALL_LINES ?? 8);
const BATCH = Number(process.env.CELLGATE_BENCH_CALL_BATCH ?? 100);
const AUDIO_MS = Number(process.env.CELLGATE_BENCH_CALL_AUDIO_MS ?? 200);
/** Idle wait before the last row: longer than the SIP transactions' 64×T1 (32 s) for which an answered INVITE is kept. */
const IDLE_MS = Number(process.env.CELLGATE_BENCH_CALL_IDLE_MS ?? 35_000);
const SNAPSHOTS = process.env.CELLGATE_BENCH_HEAPSNAPSHOT ? resolve(process.env.CELLGATE_BENCH_HEAPSNAPSHOT) : null;

interface Stats {
  memory: NodeJS.MemoryUsage;
  spaces: Record<string, { size: number; used: number }>;
  smaps: Record<string, number>;
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);
const FRAME = 160;
const tone = Int16Array.from({ length: (AUDIO_MS / 20) * FRAME }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));

async function main(): Promise<void> {
  const probeDir = mkdtempSync(join(tmpdir(), 'cellgate-probe-'));
  const probe = fileURLToPath(new URL('./helpers/memory-probe.js', import.meta.url));
  process.env.CELLGATE_MEMORY_PROBE_DIR = probeDir;
  process.env.CELLGATE_BENCH_NODE_FLAGS = `${process.env.CELLGATE_BENCH_NODE_FLAGS ?? ''} --expose-gc --import ${probe}`;
  const gw = await startPtyGateway({
    modems: LINES,
    timing: 'fast',
    config: { sip: { inbound: { auth: 'none' }, rateLimit: { perSecond: 10_000, burst: 10_000 }, media: { symmetricRtp: false } } },
  });
  const pid = gw.daemon.pid!;
  const ask = async (request: string): Promise<Stats> => {
    rmSync(join(probeDir, 'done'), { force: true });
    writeFileSync(join(probeDir, 'request.tmp'), request);
    renameSync(join(probeDir, 'request.tmp'), join(probeDir, 'request'));
    process.kill(pid, 'SIGWINCH');
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(probeDir, 'done'))) {
      if (Date.now() > deadline) throw new Error('the daemon did not answer the memory probe');
      await sleep(50);
    }
    return JSON.parse(readFileSync(join(probeDir, 'stats.json'), 'utf8')) as Stats;
  };
  gw.sim.network.outside.addRule(/1390007\d{4}$/, { kind: 'answer', audio: 'echo', ringMs: 20 });
  const uac = await SipCallUac.open(gw.sipPort);
  let endedFirst = 0;
  const oneCall = async (k: number) => {
    const peer = await RtpPeer.open();
    try {
      let dialog: SipDialog | null = null;
      for (let retries = 0; !dialog; retries++) {
        const r = await uac.invite(`mem-${k}-${retries}-${process.pid}`, `1390007${String(k % 10_000).padStart(4, '0')}`, peer.port);
        if (typeof r !== 'number') dialog = r;
        else if ((r === 486 || r === 503 || r === 480) && retries < 100) await sleep(50);
        else throw new Error(`call ${k}: INVITE answered ${r}`);
      }
      await peer.send(dialog.gatewayRtp, tone);
      await sleep(100);
      const bye = await uac.bye(dialog);
      // 481: the gateway had ended the call already (counted and printed; the memory figures stand).
      if (bye === 481) endedFirst++;
      else if (bye !== 200) throw new Error(`call ${k}: BYE answered ${bye}`);
    } finally {
      peer.close();
    }
  };
  const rows: string[] = [];
  const row = (calls: number, s: Stats) => {
    const p = procStat(pid);
    const old = s.spaces.old_space;
    const line =
      `${String(calls).padStart(6)}  ${mb(s.memory.rss).padStart(6)}  ${mb(s.memory.heapUsed).padStart(6)}  ${mb(s.memory.heapTotal).padStart(6)}  ${mb(old?.used ?? 0).padStart(6)}  ` +
      `${mb(s.memory.external).padStart(6)}  ${mb(s.memory.arrayBuffers).padStart(6)}  ${mb(s.smaps.Anonymous ?? 0).padStart(6)}  ${mb(p.file).padStart(6)}  ${mb(p.hwm).padStart(6)}`;
    rows.push(line);
    console.log(line);
  };
  try {
    await sleep(3000);
    console.log(`call-memory: ${CALLS} SIP → GSM calls through cellgate start on ${LINES} simulated lines, ${AUDIO_MS} ms of A-law each; the daemon's figures after a forced GC, MB`);
    console.log(' calls     RSS  heapUsd heapTot  oldUsd  extern  arrBuf    anon    file     HWM');
    row(0, await ask('stats'));
    let next = 0;
    for (let done = 0; done < CALLS; ) {
      const until = Math.min(CALLS, done + BATCH);
      await Promise.all(
        Array.from({ length: LINES }, async () => {
          while (next < until) await oneCall(next++);
        }),
      );
      done = until;
      await sleep(1500); // every call's audio closed
      // The snapshots are compared with each other, so both come after the idle wait.
      const snap = SNAPSHOTS && done === Math.min(BATCH, CALLS) && done < CALLS;
      if (snap) await sleep(IDLE_MS);
      row(done, await ask(snap ? `snapshot ${join(SNAPSHOTS, `calls-${done}`)}` : 'stats'));
    }
    await sleep(IDLE_MS);
    console.log(`  idle ${IDLE_MS / 1000} s:`);
    row(CALLS, await ask(SNAPSHOTS ? `snapshot ${join(SNAPSHOTS, `calls-${CALLS}`)}` : 'stats'));
    const budget = RSS_BUDGET_MB + UNDER_LOAD_ALLOWANCE_MB;
    const last = rows.at(-1)!;
    if (endedFirst > 0) console.log(`  ${endedFirst} calls were ended by the gateway before their BYE (481)`);
    console.log(`  budget under load ${budget} MB (docs/decisions/0018); last row: ${last.trim()}`);
  } finally {
    await uac.close();
    await gw.stop();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
