/**
 * The real daemon in demo mode as a child process, as an operator starts it (`cellgate start` with no
 * modems): its own data directory, every port picked by the system. The admin password and the HTTP
 * port are read from what it prints at its first start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replacePrintedPassword } from '../../e2e/helpers/first-password.js';
import { repoRoot } from '../../helpers/transcript.js';

export interface DemoDaemon {
  /** `http://127.0.0.1:<port>` of the web UI and JSON API. */
  url: string;
  adminPassword: string;
  /** The simulator's control API (no authentication). */
  controlApi: string;
  /** Everything the daemon printed so far (for failure messages). */
  output(): string;
  /** SIGTERM and wait for the exit; the data directory goes too. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Written as the daemon's config.json (e.g. `{ simulator: { modems: 32 } }`); none: the defaults. */
  config?: Record<string, unknown>;
  /** Wait until this many lines are registered (default: every simulated modem, 4 in demo mode). */
  lines?: number;
  startTimeoutMs?: number;
}

const bin = join(repoRoot(), 'bin', 'cellgate.js');

export async function startDemoDaemon(opts: DemoOptions = {}): Promise<DemoDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-browser-'));
  const args = [bin, 'start', '--data', join(dir, 'data'), '--http-port', '0', '--sip-port', '0', '--sim-control-port', '0', '--log-format', 'json'];
  if (opts.config) {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(opts.config));
    args.push('--config', join(dir, 'config.json'));
  }
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const limit = opts.startTimeoutMs ?? 20_000;
    let password = '';
    let port = '';
    while (!password || !port) {
      if (child.exitCode !== null) throw new Error(`the daemon exited with ${child.exitCode}:\n${out.slice(-3000)}`);
      if (Date.now() - started > limit) throw new Error(`the daemon did not start within ${limit} ms:\n${out.slice(-3000)}`);
      password = /admin \/ (\S+)/.exec(out)?.[1] ?? '';
      port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? '';
      await sleep(50);
    }
    const url = `http://127.0.0.1:${port}`;
    // The printed first-start password only lets the admin choose their own (mustChangePassword).
    password = await replacePrintedPassword(url, password);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64') };
    const device = (await (await fetch(`${url}/api/device`, { headers: auth })).json()) as { simulator: { modems: number; controlApi: string } | null };
    if (!device.simulator) throw new Error(`the daemon is not in demo mode:\n${out.slice(-3000)}`);
    const want = opts.lines ?? device.simulator.modems;
    for (;;) {
      const lines = ((await (await fetch(`${url}/api/lines`, { headers: auth })).json()) as { lines: { lifecycle: string; operator: string | null }[] }).lines;
      if (lines.filter((l) => l.lifecycle === 'registered' && l.operator).length >= want) break;
      if (Date.now() - started > limit + 30_000) throw new Error(`only ${lines.filter((l) => l.lifecycle === 'registered').length} of ${want} lines registered:\n${out.slice(-2000)}`);
      await sleep(200);
    }
    return { url, adminPassword: password, controlApi: device.simulator.controlApi, output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
