/**
 * Test fixtures for the web app: a fake line registry, a fake authenticator that counts password
 * checks, a log capture, and a server on an ephemeral port driven with fetch (or raw http for paths
 * fetch would normalise).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { DeviceStatus, LineRegistry, LineStatus } from '../../src/line/types.js';
import { createLogger, type Logger } from '../../src/util/log.js';
import { createWebApp, type MountedRoute, type WebAppDeps } from '../../src/web/app.js';
import type { Authenticator, Role } from '../../src/web/authenticator.js';

export function lineStatus(id: number, over: Partial<LineStatus> = {}): LineStatus {
  return {
    id,
    name: `L${id}`,
    enabled: true,
    lifecycle: 'registered',
    health: 'ok',
    detail: null,
    callState: 'IDLE',
    callNumber: null,
    slot: 'A',
    reg: '4G',
    signal: 23,
    signalDbm: -67,
    operator: 'CHINA MOBILE',
    plmn: '46000',
    volte: true,
    idleMinutes: 12,
    bindMinutes: 340,
    modem: {
      family: null,
      manufacturer: 'Quectel',
      model: 'EC20F',
      firmware: 'EC20CEFAGR06A05M4G',
      imei: '867223040012345',
      port: '/dev/ttyUSB2',
      usbPath: '1-1.2:1.2',
    },
    sim: { state: null, iccid: '89860012345678901234', imsi: '460001234567890', number: null },
    resets: 0,
    lastReset: null,
    at: { commands: 120, errors: 1, timeouts: 0, garbageBytes: 0 },
    dataCheck: null,
    ...over,
  };
}

export function deviceStatus(): DeviceStatus {
  return {
    name: 'cellgate',
    version: '0.1.0',
    uptime: 42,
    startedAt: '2026-01-01T00:00:00.000Z',
    time: '2026-01-01T00:00:42.000Z',
    timezone: 'UTC',
    mode: 'demo',
    lines: { total: 2, registered: 1 },
    node: process.version,
    platform: 'linux',
    lastLogin: null,
    simulator: { modems: 4, controlApi: 'http://127.0.0.1:8081' },
    network: [{ name: 'eth0', mac: '52:54:00:12:34:56', addresses: [{ family: 'IPv4', cidr: '192.168.8.1/24' }] }],
  };
}

export class FakeRegistry implements LineRegistry {
  lines: LineStatus[] = [lineStatus(1), lineStatus(2, { health: 'no-sim', lifecycle: 'enable', slot: null, reg: 'N', signal: 99, signalDbm: null })];
  failWith: Error | undefined;

  list(): LineStatus[] {
    if (this.failWith) throw this.failWith;
    return this.lines;
  }
  get(id: number): LineStatus | undefined {
    if (this.failWith) throw this.failWith;
    return this.lines.find((l) => l.id === id);
  }
  device(): DeviceStatus {
    if (this.failWith) throw this.failWith;
    return deviceStatus();
  }
}

export const ADMIN_PASSWORD = 'correct horse battery';

export class FakeAuth implements Authenticator {
  users = new Map<string, { password: string; role: Role }>([
    ['admin', { password: ADMIN_PASSWORD, role: 'admin' }],
    ['viewer', { password: 'viewer-password', role: 'user' }],
  ]);
  verifyCalls = 0;
  /** How long a password check takes (scrypt takes tens of milliseconds); 0: one event-loop turn. */
  verifyDelayMs = 0;

  async verify(user: string, password: string): Promise<boolean> {
    this.verifyCalls++;
    await new Promise((r) => (this.verifyDelayMs > 0 ? setTimeout(r, this.verifyDelayMs) : setImmediate(r)));
    const u = this.users.get(user);
    return u !== undefined && u.password === password;
  }
  role(user: string): Role | null {
    return this.users.get(user)?.role ?? null;
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export class Clock {
  t = Date.parse('2026-01-01T00:00:00Z');
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Harness {
  base: string;
  port: number;
  registry: FakeRegistry;
  auth: FakeAuth;
  clock: Clock;
  logs: string[];
  logins: string[];
  /** The app's API routes, as mounted. */
  routes: readonly MountedRoute[];
  close(): Promise<void>;
}

export function captureLogger(logs: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  return createLogger({ level: 'debug', destination: sink });
}

export async function startApp(over: Partial<WebAppDeps> = {}): Promise<Harness> {
  const registry = new FakeRegistry();
  const auth = new FakeAuth();
  const clock = new Clock();
  const logs: string[] = [];
  const logins: string[] = [];
  const app = createWebApp({
    registry,
    auth,
    log: captureLogger(logs),
    now: clock.now,
    staticDir: null,
    onLogin: (u) => logins.push(u),
    ...over,
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    registry,
    auth,
    clock,
    logs,
    logins,
    routes: app.mountedRoutes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  return JSON.parse(text);
}

/** A request with the path sent exactly as given (fetch would resolve `..` segments first). */
export function rawGet(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Login helper: the session cookie pair ("cellgate_session=...") and the session's CSRF token. */
export async function loginSession(base: string, user = 'admin', password = ADMIN_PASSWORD): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('cellgate_session=')) ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: session.split(';')[0]!, csrfToken: body.csrfToken };
}

/** Login helper: returns the session cookie pair ("cellgate_session=..."). */
export async function login(base: string, user = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  return (await loginSession(base, user, password)).cookie;
}
