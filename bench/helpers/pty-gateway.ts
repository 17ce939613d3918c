/**
 * The gateway as deployed, with its simulated modems in the calling process: `new Simulator()` here,
 * each modem's AT port and PCM audio port on a pty (`modem-drivers/simulator/pty.ts`, as `cellgate
 * simulate --ptys` does), and `cellgate start` in a process of its own with one line per pty (its
 * `audio.port` the modem's `.pcm` pty). The daemon's CPU and RSS are its own; the simulated network's
 * outside parties run here, on the caller's clock (for delays measured at both ends of a call).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulator, type TimingPreset } from '../../modem-drivers/simulator/simulator.js';
import { haveSocat, PtyExposure } from '../../modem-drivers/simulator/pty.js';
import { installedNodeCommand, sleep } from './gateway-under-test.js';
import { replacePrintedPassword } from '../../test/e2e/helpers/first-password.js';

export interface PtyGateway {
  sim: Simulator;
  daemon: ChildProcess;
  sipPort: number;
  api(path: string): Promise<any>;
  /** Each JSON log record the daemon writes from here on (its stdout, one record a line). */
  onLog(listener: (record: Record<string, unknown>) => void): void;
  stop(): Promise<void>;
}

/** Starts the modems, their ptys and the daemon with `config` merged in; resolves once every line is registered. */
export async function startPtyGateway(o: { modems: number; timing: TimingPreset; config: Record<string, unknown> }): Promise<PtyGateway> {
  if (!haveSocat()) throw new Error('the simulated modems on ptys need socat (Debian/Ubuntu: apt-get install socat)');
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-pty-gw-'));
  const sim = new Simulator({ modems: o.modems, timing: o.timing });
  const ptys = sim.modems.flatMap((m) => [new PtyExposure(m, join(dir, 'dev')), new PtyExposure(m, join(dir, 'dev'), undefined, 'audio')]);
  let daemon: ChildProcess | null = null;
  const stop = async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      const end = Date.now() + 5000;
      while (daemon.exitCode === null && Date.now() < end) await sleep(50);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
    }
    await Promise.all(ptys.map((p) => p.stop()));
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(dir, 'dev'), { recursive: true });
    const paths = await Promise.all(ptys.map((p) => p.start()));
    const lines = sim.modems.map((_, i) => ({ id: i + 1, port: paths[2 * i], audio: { port: paths[2 * i + 1] } }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' }, log: { level: 'warn' }, lines, ...o.config }));
    const bin = join(process.cwd(), 'bin', 'cellgate.js');
    const installed = installedNodeCommand(bin);
    const extra = (process.env.CELLGATE_BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    daemon = spawn(process.execPath, [...installed.flags, ...extra, bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0', '--log-level', 'info'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...installed.env },
    });
    let out = '';
    let partial = '';
    const logListeners: ((record: Record<string, unknown>) => void)[] = [];
    daemon.stdout!.on('data', (c) => {
      if (out.length < 1_000_000) out += c;
      if (logListeners.length === 0) return;
      const lines = (partial + c).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          continue; // not a log record (the start-up banner)
        }
        if (record && typeof record === 'object') for (const l of logListeners) l(record as Record<string, unknown>);
      }
    });
    const deadline = Date.now() + 90_000;
    const waitFor = async (what: string, cond: () => boolean | Promise<boolean>) => {
      while (!(await cond())) {
        if (daemon!.exitCode !== null) throw new Error(`the daemon exited (${daemon!.exitCode}) while waiting for ${what}:\n${out.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
      }
    };
    let httpPort = '';
    let sipPort = '';
    await waitFor('the daemon to listen', () => {
      httpPort = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? '';
      sipPort = /"udp":(\d+)[^\n]*SIP listening/.exec(out)?.[1] ?? '';
      return httpPort !== '' && sipPort !== '';
    });
    // The printed first-start password must be replaced before the API answers anything else.
    const pw = await replacePrintedPassword(`http://127.0.0.1:${httpPort}`, /admin \/ (\S+)/.exec(out)![1]!);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${pw}`).toString('base64') };
    const api = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${httpPort}/api${path}`, { headers: auth });
      if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
      return r.json();
    };
    await waitFor(`${o.modems} lines registered`, async () => {
      const r = (await api('/lines').catch(() => null)) as { lines: { lifecycle: string; operator: string | null }[] } | null;
      return (r?.lines.filter((l) => l.lifecycle === 'registered' && l.operator).length ?? 0) >= o.modems;
    });
    return { sim, daemon, sipPort: Number(sipPort), api, onLog: (l) => void logListeners.push(l), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
