/**
 * Child processes for the SMS kill test: the simulator on pseudo-terminals (`cellgate simulate --ptys`,
 * which outlives every daemon kill so the SIMs' logs are the truth about what went out) and the daemon
 * (`cellgate start`) on those ptys. Under tsx the CLI runs from src/ (`node --import tsx src/cli.ts`),
 * compiled it runs as bin/cellgate.js (dist), so a single file run never uses a stale build.
 */
import { SerialPort } from 'serialport';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../helpers/transcript.js';

const fromSource = import.meta.url.endsWith('.ts');

/** argv for `cellgate …` after the node binary. */
export function cliArgs(args: string[]): string[] {
  const root = repoRoot();
  return fromSource ? ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args] : [join(root, 'bin', 'cellgate.js'), ...args];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Proc {
  child: ChildProcess;
  /** stdout and stderr so far (the last 2 MB). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `ms`; resolves on exit. */
  stop(ms?: number): Promise<void>;
}

function run(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, cliArgs(args), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop(ms = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(t);
    },
  };
}

async function until(p: Proc, what: string, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(p.output());
    if (m) return m;
    if (p.child.exitCode !== null || Date.now() > end) throw new Error(`${what} (exit ${p.child.exitCode}):\n${p.output().slice(-4000)}`);
    await sleep(20);
  }
}

export interface SimulatorProc extends Proc {
  control: string;
  /** Pty path and IMEI of each modem, by modem number. */
  modems: Map<number, { path: string; imei: string }>;
}

/** `cellgate simulate --ptys DIR` with `modems` modems; resolves once every pty exists. */
export async function startSimulator(dir: string, modems: number, timing: 'zero' | 'fast' | 'realistic'): Promise<SimulatorProc> {
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0) throw new Error('the kill test needs socat (Debian package socat)');
  const p = run(['simulate', '--ptys', dir, '--modems', String(modems), '--timing', timing, '--control-port', '0', '--log-level', 'error']);
  const m = await until(p, 'the simulator did not start', /control API (\S+)/, 20_000);
  const list = new Map<number, { path: string; imei: string }>();
  for (const x of p.output().matchAll(/^(\S+) modem (\d+) \S+ IMEI (\d{15})$/gm)) list.set(Number(x[2]), { path: x[1]!, imei: x[3]! });
  if (list.size !== modems) throw new Error(`simulator listed ${list.size} modems:\n${p.output()}`);
  return { ...p, control: m[1]!.replace(/\/$/, ''), modems: list };
}

export interface DaemonProc extends Proc {
  api: string;
}

/**
 * `cellgate start --data DIR` (configuration in DIR/config.json); resolves once the API listens. `env`
 * adds to the environment (fault injection, src/wiring/fault-injection.ts).
 */
export async function startDaemonProcess(dataDir: string, smppPort: number, env: Record<string, string> = {}): Promise<DaemonProc> {
  const p = run(['start', '--data', dataDir, '--http-port', '0', '--sip-port', '0', '--smpp-port', String(smppPort), '--log-level', 'info'], env);
  const m = await until(p, 'the daemon did not start', /"port":(\d+)[^\n]*cellgate API listening/, 30_000);
  return { ...p, api: `http://127.0.0.1:${m[1]}/api` };
}

/** `cellgate passwd --data DIR` with the password on stdin. */
export function setPassword(dataDir: string, password: string): void {
  const r = spawnSync(process.execPath, cliArgs(['passwd', '--data', dataDir]), { input: password + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cellgate passwd failed: ${r.stdout}${r.stderr}`);
}

/**
 * Makes a simulated modem that no line drives route received SMS to its port (+CNMI <mt>=2, TS 27.005
 * §3.4.1: +CMT, nothing stored) and reads its port until closed: its memory never fills, so the network
 * delivers every SMS at once instead of keeping them for a full phone (TS 24.011 memory capacity
 * exceeded). Resolves once the modem answered OK.
 */
export async function routeSmsToPort(path: string): Promise<{ close(): Promise<void> }> {
  const port = new SerialPort({ path, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => {
    port.once('open', resolve);
    port.once('error', reject);
  });
  let seen = '';
  port.on('data', (b: Buffer) => {
    if (seen.length < 4096) seen += b.toString('latin1');
  });
  port.write('AT+CNMI=2,2,0,0,0\r');
  const end = Date.now() + 5000;
  while (!/\r\nOK\r\n/.test(seen)) {
    if (Date.now() > end) throw new Error(`${path}: no OK to AT+CNMI (got ${JSON.stringify(seen)})`);
    await sleep(20);
  }
  return {
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

/** GET a JSON document; throws on a status other than 2xx. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<any> {
  const r = await fetch(url, { headers });
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Polls `get` until `cond` holds; errors count as not yet until the time is up. */
export async function waitUntil<T>(what: string, get: () => Promise<T>, cond: (v: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    try {
      v = await get();
      if (cond(v)) return v;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)?.slice(0, 1000)}`);
    await sleep(everyMs);
  }
}
