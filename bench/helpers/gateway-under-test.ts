/**
 * The gateway as deployed, for the memory bench and the soak: `cellgate simulate --ptys` with N modems
 * on real pseudo-terminals (a separate process) and `cellgate start` with one line per pty, with every
 * feature configured (SMPP SMSC with an account that receives, SMS forwarding by e-mail and webhook, the
 * mail section), unless told otherwise. The e-mail and webhook receivers run in the calling process and
 * count what they get.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { replacePrintedPassword } from '../../test/e2e/helpers/first-password.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/**
 * CPU ticks (user + system, USER_HZ) and RSS in bytes of a process (Linux /proc): its anonymous part
 * (heap, V8 spaces, malloc arenas) and its file-backed part (the node binary's and libraries' pages,
 * shared with every other process running them).
 */
export function procStat(pid: number): { cpuTicks: number; rss: number; hwm: number; anon: number; file: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuTicks: Number(f[11]) + Number(f[12]), rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

export const USER_HZ = 100;

/**
 * What the `#!` line of bin/cellgate.js gives the daemon when installed: the environment assignments
 * (`env -S NAME=value ...`) and the node flags, so the bench measures the process as deployed.
 */
export function installedNodeCommand(bin: string): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return { env: {}, flags: [] };
  const words = first.slice(2).trim().split(/\s+/);
  const env: Record<string, string> = {};
  for (const w of words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(w);
    if (m) env[m[1]!] = m[2]!;
  }
  return { env, flags: words.filter((w) => w.startsWith('--')) };
}

export const SMPP_ACCOUNT = { systemId: 'bench', password: 'bench1' };

export interface Receivers {
  webhooks: number;
  mails: number;
  webhookUrl: string;
  smtpPort: number;
  close(): Promise<void>;
}

/** A webhook endpoint and an SMTP server on loopback that accept and count everything. */
export async function startReceivers(): Promise<Receivers> {
  const counts = { webhooks: 0, mails: 0 };
  const web: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      counts.webhooks++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        counts.mails++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return {
    get webhooks() {
      return counts.webhooks;
    },
    get mails() {
      return counts.mails;
    },
    webhookUrl: `http://127.0.0.1:${(web.address() as AddressInfo).port}/hook`,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    close: async () => {
      web.closeAllConnections();
      await Promise.all([new Promise<void>((r) => web.close(() => r())), new Promise<void>((r) => smtp.close(() => r()))]);
    },
  };
}

export interface GatewayOptions {
  modems: number;
  /** SMPP, forwarding, mail and webhook configured (default true). */
  features?: boolean;
  receivers?: Receivers;
  /** Extra `node` flags for the daemon (a heap-snapshot signal, V8 flags). */
  nodeFlags?: string[];
  /** Extra environment for the daemon, over the `#!` line's assignments. */
  env?: Record<string, string>;
  timing?: 'zero' | 'fast' | 'realistic';
}

export interface Gateway {
  dir: string;
  daemon: ChildProcess;
  simulator: ChildProcess;
  apiUrl: string;
  auth: { authorization: string };
  controlUrl: string;
  smppPort: number | null;
  /** Everything the daemon printed on stdout so far (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the simulator and the daemon; resolves once every line is registered. */
export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-gw-'));
  const bin = join(process.cwd(), 'bin', 'cellgate.js');
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(500);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const simProc = spawn(process.execPath, [bin, 'simulate', '--ptys', join(dir, 'dev'), '--modems', String(o.modems), '--timing', o.timing ?? 'fast', '--control-port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(simProc);
    let simOut = '';
    simProc.stdout!.on('data', (d) => (simOut += d));
    const deadline = Date.now() + 90_000;
    const waitFor = async (what: string, cond: () => boolean | Promise<boolean>) => {
      while (!(await cond())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    };
    await waitFor('the simulator', () => /control API/.test(simOut));
    const controlUrl = /(http:\/\/[^\s]+)/.exec(simOut.slice(simOut.indexOf('control API')))?.[1] ?? '';
    const ptys = [...simOut.matchAll(/^(\S+) modem (\d+)/gm)].map((m) => ({ path: m[1]!, modem: m[2]! }));
    const features = o.features ?? true;
    const rc = o.receivers;
    const config: Record<string, unknown> = {
      modems: { autoDetect: false },
      simulator: { mode: 'off' },
      log: { level: 'warn' },
      // A pty has no USB device to power-cycle: each line's reset command power-cycles its simulated
      // modem through the control API, as a power switch would on hardware (without one a hung modem
      // stays hung).
      lines: ptys.map((p, i) => ({
        id: i + 1,
        port: p.path,
        reset: { usbPowerCycle: false, command: [process.execPath, bin, 'simulate', '--api', controlUrl, 'fault', p.modem, 'power-cycle'] },
      })),
    };
    if (features) {
      config.smpp = { enabled: true, host: '127.0.0.1', port: 0, accounts: [{ ...SMPP_ACCOUNT, perLineIds: true, receive: true }] };
      config.mail = { host: '127.0.0.1', port: rc?.smtpPort ?? 2525, security: 'none', from: 'gateway@example.com' };
      config.sms = {
        forward: [{ email: ['ops@example.com'], webhook: { url: rc?.webhookUrl ?? 'http://127.0.0.1:9/hook', secret: 'bench-secret', timeoutSec: 10 } }],
      };
    }
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const installed = installedNodeCommand(bin);
    const daemon = spawn(process.execPath, [...installed.flags, ...(o.nodeFlags ?? []), bin, 'start', '--data', dir, '--http-port', '0', '--sip-port', '0', '--log-level', 'info', ...(features ? ['--smpp-port', '0'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...installed.env, ...o.env },
    });
    children.push(daemon);
    let out = '';
    daemon.stdout!.on('data', (c) => {
      // Keep the start-up lines only: the daemon logs on for hours in the soak.
      if (out.length < 1_000_000) out += c;
    });
    let port = '';
    await waitFor('the daemon to listen', () => !!(port = /"port":(\d+)[^\n]*cellgate API listening/.exec(out)?.[1] ?? ''));
    const apiUrl = `http://127.0.0.1:${port}`;
    // The printed first-start password must be replaced before the API answers anything else.
    const pw = await replacePrintedPassword(apiUrl, /admin \/ (\S+)/.exec(out)![1]!);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${pw}`).toString('base64') };
    await waitFor(`${o.modems} lines registered`, async () => {
      const r = await fetch(`${apiUrl}/api/lines`, { headers: auth }).catch(() => null);
      if (!r?.ok) return false;
      const lines = ((await r.json()) as { lines: { lifecycle: string; operator: string | null }[] }).lines;
      return lines.filter((l) => l.lifecycle === 'registered' && l.operator).length >= o.modems;
    });
    const smppPort = features ? Number(/"port":(\d+)[^\n]*SMPP SMSC listening/.exec(out)?.[1] ?? 0) || null : null;
    return { dir, daemon, simulator: simProc, apiUrl, auth, controlUrl, smppPort, output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
