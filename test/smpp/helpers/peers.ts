/**
 * Third-party SMPP peers as child processes, for the SMPP tests and for end-to-end tests of the whole
 * daemon: Kannel 1.4.5 (bearerbox + smsbox, Debian package `kannel`) binding as a transceiver ESME, and
 * Perl scripts using Net::SMPP (Debian package `libnet-smpp-perl`); and an HTTP server for Kannel's
 * get-url and dlr-url.
 *
 * Every child runs in its own process group (detached) under coreutils `timeout`, so that stop() can
 * signal the whole group, and so that a test runner that dies leaves nothing running for long. An 'exit'
 * hook kills any group still alive when the test process ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) killGroup(c, 'SIGKILL');
    });
  }
}

/** Spawns `cmd args` in a new process group, ended by `timeout` after `lifetimeS` at the latest. */
export function spawnGroup(cmd: string, args: string[], opts: { cwd?: string; lifetimeS?: number; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const lifetime = String(opts.lifetimeS ?? 120);
  const child = spawn('timeout', ['-k', '5', lifetime, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  return child;
}

/** SIGTERM to the group, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      // Anything the process left in its group goes too.
      killGroup(child, 'SIGKILL');
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}

export function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Whether `perl -MNet::SMPP -e1` works. */
export function netSmppAvailable(): boolean {
  if (!commandExists('perl')) return false;
  return spawnSync('perl', ['-MNet::SMPP', '-e1'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `perl script ...args` (its own process group, killed after `timeoutMs`). */
export function runNetSmpp(script: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const child = spawnGroup('perl', [script, ...args], { lifetimeS: Math.ceil(timeoutMs / 1000) + 5 });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    const t = setTimeout(() => void stopGroup(child, 2000), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      killGroup(child, 'SIGKILL');
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for tests on one machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface KannelOptions {
  /** Port of the SMSC (cellgate) on 127.0.0.1. */
  smscPort: number;
  systemId: string;
  password: string;
  /** Kannel sms-service get-url template for MO messages (Kannel escapes such as %p %P %a %c %C). */
  getUrl: string;
  /** Working directory for config, logs and store (default: a new temp dir, removed by stop()). */
  dir?: string;
  /** Kannel log level (0 = debug .. 4 = panic; default 0). */
  logLevel?: number;
  /** Longest life of the processes in seconds (default 300). */
  lifetimeS?: number;
}

export interface Kannel {
  dir: string;
  adminPort: number;
  sendsmsPort: number;
  /** GET /cgi-bin/sendsms with username/password added; resolves with Kannel's answer text. */
  sendsms(params: Record<string, string>): Promise<string>;
  /** bearerbox status.txt. */
  status(): Promise<string>;
  /** Waits until bearerbox reports the SMSC connection online and smsbox answers. */
  waitOnline(timeoutMs?: number): Promise<void>;
  /** Log files (bearerbox, smsc, smsbox) for diagnostics. */
  logs(): string;
  stop(): Promise<void>;
}

export const KANNEL_SENDSMS_USER = 'tester';
export const KANNEL_SENDSMS_PASSWORD = 'testpw';
const ADMIN_PASSWORD = 'adminpw';

/** An HTTP server on 127.0.0.1 that answers "ok" to every request and keeps its URL: the target of Kannel's get-url and dlr-url. */
export async function urlSink(): Promise<{ server: Server; port: number; hits: URL[] }> {
  const hits: URL[] = [];
  const server = createHttpServer((req, res) => {
    hits.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { server, port: typeof a === 'object' && a ? a.port : 0, hits };
}

/** Starts bearerbox and smsbox with one SMPP transceiver connection to cellgate (modelled on shared/peers/kannel/kannel-smpp.conf). */
export async function startKannel(opts: KannelOptions): Promise<Kannel> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cellgate-kannel-'));
  mkdirSync(join(dir, 'store'), { recursive: true });
  const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const level = opts.logLevel ?? 0;
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const conf = [
    'group = core',
    `admin-port = ${adminPort}`,
    'admin-interface = 127.0.0.1',
    `admin-password = ${ADMIN_PASSWORD}`,
    'admin-allow-ip = "127.0.0.1"',
    `smsbox-port = ${boxPort}`,
    'smsbox-interface = 127.0.0.1',
    'box-allow-ip = "127.0.0.1"',
    'box-deny-ip = "*.*.*.*"',
    `log-file = ${q(join(dir, 'bearerbox.log'))}`,
    `log-level = ${level}`,
    `access-log = ${q(join(dir, 'access.log'))}`,
    'store-type = file',
    `store-location = ${q(join(dir, 'store', 'kannel.store'))}`,
    'dlr-storage = internal',
    '',
    'group = smsc',
    'smsc = smpp',
    'smsc-id = cellgate',
    'host = 127.0.0.1',
    `port = ${opts.smscPort}`,
    'transceiver-mode = true',
    `smsc-username = ${q(opts.systemId)}`,
    `smsc-password = ${q(opts.password)}`,
    'system-type = ""',
    'source-addr-ton = 1',
    'source-addr-npi = 1',
    'dest-addr-ton = 1',
    'dest-addr-npi = 1',
    'enquire-link-interval = 30',
    'reconnect-delay = 1',
    `log-file = ${q(join(dir, 'smsc.log'))}`,
    `log-level = ${level}`,
    '',
    'group = smsbox',
    'bearerbox-host = 127.0.0.1',
    `bearerbox-port = ${boxPort}`,
    `sendsms-port = ${sendsmsPort}`,
    'sendsms-interface = 127.0.0.1',
    `log-file = ${q(join(dir, 'smsbox.log'))}`,
    `log-level = ${level}`,
    `access-log = ${q(join(dir, 'smsbox-access.log'))}`,
    'mo-recode = true',
    '',
    'group = sendsms-user',
    `username = ${KANNEL_SENDSMS_USER}`,
    `password = ${KANNEL_SENDSMS_PASSWORD}`,
    'concatenation = true',
    'max-messages = 3',
    '',
    'group = sms-service',
    'keyword = default',
    `get-url = ${q(opts.getUrl)}`,
    'max-messages = 0',
    'catch-all = true',
    '',
  ].join('\n');
  const confPath = join(dir, 'kannel.conf');
  writeFileSync(confPath, conf);

  const lifetimeS = opts.lifetimeS ?? 300;
  const outputs: string[] = [];
  const collect = (name: string, c: ChildProcess): void => {
    c.stdout!.setEncoding('utf8').on('data', (d: string) => outputs.push(`[${name}] ${d}`));
    c.stderr!.setEncoding('utf8').on('data', (d: string) => outputs.push(`[${name}] ${d}`));
  };
  const bearerbox = spawnGroup('bearerbox', [confPath], { cwd: dir, lifetimeS });
  collect('bearerbox', bearerbox);
  // smsbox needs bearerbox's box port; it retries on its own, but starting it after bearerbox listens is quicker.
  await waitPort(boxPort, 10_000).catch(() => undefined);
  const smsbox = spawnGroup('smsbox', [confPath], { cwd: dir, lifetimeS });
  collect('smsbox', smsbox);

  const readLog = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const status = async (): Promise<string> => {
    const r = await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=${ADMIN_PASSWORD}`);
    return r.text();
  };
  let stopped = false;
  const logs = (): string =>
    [
      `--- bearerbox.log ---\n${readLog('bearerbox.log').slice(-4000)}`,
      `--- smsc.log ---\n${readLog('smsc.log').slice(-4000)}`,
      `--- smsbox.log ---\n${readLog('smsbox.log').slice(-4000)}`,
      `--- output ---\n${outputs.join('').slice(-2000)}`,
    ].join('\n');
  return {
    dir,
    adminPort,
    sendsmsPort,
    status,
    async sendsms(params) {
      const u = new URLSearchParams({ username: KANNEL_SENDSMS_USER, password: KANNEL_SENDSMS_PASSWORD, ...params });
      const r = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?${u.toString()}`);
      return (await r.text()).trim();
    },
    async waitOnline(timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        try {
          last = await status();
          if (/cellgate\[cellgate\][^\n]*online/.test(last) || /^\s*cellgate\s.*online/m.test(last)) {
            // smsbox: its HTTP port answers once it is connected to bearerbox.
            const r = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`).catch(() => null);
            if (r) {
              await r.text();
              return;
            }
          }
        } catch {
          // not up yet
        }
        if (Date.now() > end) throw new Error(`Kannel not online after ${timeoutMs} ms. status:\n${last}\n${logs()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopGroup(smsbox, 5000);
      await stopGroup(bearerbox, 8000);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitPort(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = netConnect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`port ${port} not open after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}
