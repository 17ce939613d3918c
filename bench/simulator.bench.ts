/**
 * Simulator and daemon figures for issue 3. Targets: simulator idle < 2 % of one core; daemon with 32
 * lines < 100 MB RSS and serving the API within 2 s of start (modem registration excluded).
 *
 * A. In process: 32 simulated modems (realistic timing) idle with no host; then a load of SMS and calls
 *    driven through cellgate's own drivers over AtChannel (zero timing), with CPU and memory.
 * B. Separate processes, as deployed: `cellgate simulate --ptys` with 32 modems on real pseudo-terminals
 *    and `cellgate start` with 32 lines on those ptys: time to API, daemon RSS/CPU, simulator CPU while
 *    the daemon polls every line every 3 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtChannel } from '../src/at/channel.js';
import { encodeSubmit } from '../src/gsm/index.js';
import { silentLogger } from '../src/util/log.js';
import { detectFamily, identifyModem, openModem, type Modem } from '../modem-drivers/index.js';
import { Simulator } from '../modem-drivers/simulator/simulator.js';
import { replacePrintedPassword } from '../test/e2e/helpers/first-password.js';

const N = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

function cpuPercent(fn: () => Promise<unknown>): Promise<{ pct: number; ms: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  return fn().then(() => {
    const c = process.cpuUsage(c0);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { pct: ((c.user + c.system) / 1000 / ms) * 100, ms };
  });
}

async function inProcess(): Promise<void> {
  const idleSim = new Simulator({ modems: N, timing: 'realistic' });
  await sleep(4000); // registration (3 s realistic)
  const idle = await cpuPercent(() => sleep(10_000));
  global.gc?.();
  console.log(`A1 simulator, ${N} modems idle (no host): CPU ${idle.pct.toFixed(2)} % of one core over ${(idle.ms / 1000).toFixed(0)} s; process RSS ${mb(process.memoryUsage().rss)} MB  target < 2 %`);
  idleSim.close();

  const sim = new Simulator({ modems: N, timing: 'zero' });
  const drivers: Modem[] = [];
  for (const m of sim.modems) {
    const ch = new AtChannel(m.open(), { log: silentLogger(), defaultTimeoutMs: 5000 });
    const d = openModem(detectFamily(await identifyModem(ch, { log: silentLogger() })), ch, { log: silentLogger() });
    await d.init();
    await d.sms.init();
    drivers.push(d);
  }
  await sleep(200);
  const numbers = sim.modems.map((m) => m.status().sims.find((s) => s.slot === 'A')!.number!);
  const SMS_PER_MODEM = 50;
  let sent = 0;
  const sms = await cpuPercent(async () => {
    await Promise.all(
      drivers.map(async (d, i) => {
        for (let k = 0; k < SMS_PER_MODEM; k++) {
          const { hex, tpduLength } = encodeSubmit({ to: numbers[(i + 1) % N]!, text: `load test message ${k} from modem ${i + 1}` });
          await d.sms.send(hex, tpduLength);
          sent++;
        }
      }),
    );
  });
  console.log(`A2 SMS load: ${sent} AT+CMGS through ${N} modems in ${(sms.ms / 1000).toFixed(2)} s = ${Math.round(sent / (sms.ms / 1000))} SMS/s; CPU ${sms.pct.toFixed(0)} % (simulator + drivers in one process)`);

  // calls: modem i calls modem i+1 (even i only, so nobody is busy), the callee answers, caller hangs up
  const CALL_ROUNDS = 10;
  let calls = 0;
  const callees = new Map<number, () => void>();
  drivers.forEach((d, i) =>
    d.onEvent((e) => {
      if (e.type === 'ring') callees.get(i)?.();
    }),
  );
  const callLoad = await cpuPercent(async () => {
    for (let r = 0; r < CALL_ROUNDS; r++) {
      await Promise.all(
        drivers.map(async (d, i) => {
          if (i % 2 === 1) return;
          const callee = drivers[i + 1]!;
          const ringing = new Promise<void>((res) => callees.set(i + 1, res));
          await d.voicecall.dial(numbers[i + 1]!);
          await ringing;
          await callee.voicecall.answer();
          await d.voicecall.hangup();
          calls++;
        }),
      );
      await sleep(5);
    }
  });
  global.gc?.();
  const mu = process.memoryUsage();
  console.log(`A3 call load: ${calls} calls (dial, ring, answer, hang up) in ${(callLoad.ms / 1000).toFixed(2)} s; CPU ${callLoad.pct.toFixed(0)} %; heap ${mb(mu.heapUsed)} MB, RSS ${mb(mu.rss)} MB`);
  sim.close();
}

function procStat(pid: number): { cpuTicks: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return { cpuTicks: Number(f[11]) + Number(f[12]), rss: rssKb * 1024 };
}

async function processes(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-bench-'));
  const bin = join(process.cwd(), 'bin', 'cellgate.js');
  const children: ChildProcess[] = [];
  try {
    const simProc = spawn(process.execPath, [bin, 'simulate', '--ptys', join(dir, 'dev'), '--modems', String(N), '--timing', 'fast', '--control-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(simProc);
    let simOut = '';
    simProc.stdout!.on('data', (d) => (simOut += d));
    const deadline = Date.now() + 30_000;
    const waitFor = async (what: string, cond: () => boolean | Promise<boolean>) => {
      while (!(await cond())) {
        if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
        await sleep(10);
      }
    };
    await waitFor('the simulator', () => /control API/.test(simOut));
    const ptys = [...simOut.matchAll(/^(\S+) modem \d+/gm)].map((m) => m[1]!);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' }, log: { level: 'warn' }, lines: ptys.map((p, i) => ({ id: i + 1, port: p })) }),
    );
    const t0 = Date.now();
    const d = spawn(process.execPath, [bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(d);
    let out = '';
    d.stdout!.on('data', (c) => (out += c));
    let port = '';
    await waitFor('the daemon to listen', () => !!(port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? ''));
    await waitFor('/api/health', async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status === 200);
    const ready = Date.now() - t0;
    // The printed first-start password must be replaced before the API answers anything else.
    const pw = await replacePrintedPassword(`http://127.0.0.1:${port}`, /admin \/ (\S+)/.exec(out)![1]!);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${pw}`).toString('base64') };
    let registered = 0;
    while (registered < N) {
      const lines = ((await (await fetch(`http://127.0.0.1:${port}/api/lines`, { headers: auth })).json()) as { lines: { lifecycle: string; operator: string | null }[] }).lines;
      registered = lines.filter((l) => l.lifecycle === 'registered' && l.operator).length;
      if (Date.now() - t0 > 60_000) throw new Error(`only ${registered} lines registered after 60 s`);
      await sleep(200);
    }
    const allUp = Date.now() - t0;
    const hz = 100; // USER_HZ
    const a0 = procStat(d.pid!);
    const s0 = procStat(simProc.pid!);
    await sleep(15_000);
    const a1 = procStat(d.pid!);
    const s1 = procStat(simProc.pid!);
    const pct = (x0: number, x1: number) => (((x1 - x0) / hz) / 15) * 100;
    console.log(`B1 daemon with ${N} lines on ptys: API ready ${ready} ms after spawn (target 2000 ms); all ${N} lines registered after ${(allUp / 1000).toFixed(1)} s`);
    console.log(`B2 daemon RSS ${mb(a1.rss)} MB (target < 100 MB); daemon CPU ${pct(a0.cpuTicks, a1.cpuTicks).toFixed(2)} % while polling ${N} lines every 3 s`);
    console.log(`B3 simulator process (${N} modems, answering the daemon's polls): CPU ${pct(s0.cpuTicks, s1.cpuTicks).toFixed(2)} %, RSS ${mb(s1.rss)} MB  target idle < 2 %`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(300);
  }
}

await inProcess();
await processes();
