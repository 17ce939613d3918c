/**
 * The access matrix: every API route the daemon mounts, called as admin, user, sms and anonymous,
 * against ONE table written here (method + path → roles), independent of the routes' declarations.
 * A route declared with the wrong access fails; so does a mounted route missing from the table
 * (a new route must be classified here) and a table row naming no mounted route.
 *
 * The app is built as the daemon builds it (createWebApp with daemonApiRoutes from the HTTP wiring)
 * over a real configuration file and fakes of the running parts. Path parameters name nothing
 * (line 999999, no such user...) and bodies are `{}`, so an allowed request is answered 2xx, 400,
 * 404 or 409 and changes nothing that matters.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AccountError } from '../../src/config/auth-store.js';
import type { ConfigStore } from '../../src/config/load.js';
import { silentLogger } from '../../src/util/log.js';
import { openDaemonConfig } from '../../src/wiring/daemon-config.js';
import { daemonApiRoutes, type DaemonRouteOptions } from '../../src/wiring/http.js';
import type { Role } from '../../src/web/authenticator.js';
import { CONFIG_SECTIONS } from '../../src/web/config-routes.js';
import { SessionStore } from '../../src/web/sessions.js';
import { eventStreams } from '../../src/web/event-stream-routes.js';
import { LiveEventHub } from '../../src/web/live-event-hub.js';
import { signalRoutes } from '../../src/web/signal-routes.js';
import { SignalHistory } from '../../src/line/signal-history.js';
import { ADMIN_PASSWORD, basic, startApp } from './harness.js';

type Who = Role | 'anonymous';
const A: Role[] = ['admin'];
const AU: Role[] = ['admin', 'user'];
const AUS: Role[] = ['admin', 'user', 'sms'];
const PUBLIC = 'public' as const;

interface Row {
  roles: Role[] | typeof PUBLIC;
  /** Mounted only in some set-ups (SIP when it runs); otherwise the row must match a mounted route. */
  optional?: boolean;
}

/** The access table (docs/api.md "Roles"). */
const TABLE: Record<string, Row> = {
  'GET /api/health': { roles: PUBLIC },
  'POST /api/login': { roles: PUBLIC },
  'POST /api/logout': { roles: PUBLIC },
  'GET /api/me': { roles: AUS },
  'PUT /api/me/password': { roles: AUS },
  'GET /api/events': { roles: AUS },
  // Status
  'GET /api/lines': { roles: AU },
  'GET /api/lines/:id': { roles: AU },
  'GET /api/lines/:id/signal': { roles: AU },
  'GET /api/device': { roles: AU },
  'GET /api/sims': { roles: AU },
  'GET /api/calls': { roles: AU },
  'GET /api/calls/:id': { roles: AU },
  // Line and slot actions, SIM limits and rules
  'POST /api/lines/:id/enable': { roles: AU },
  'POST /api/lines/:id/disable': { roles: AU },
  'POST /api/lines/:id/data-check': { roles: AU },
  'POST /api/lines/:id/slots/:slot/enable': { roles: AU },
  'POST /api/lines/:id/slots/:slot/disable': { roles: AU },
  'POST /api/lines/:id/switch': { roles: AU },
  'POST /api/sims/reset': { roles: AU },
  'POST /api/test-call': { roles: AU },
  'POST /api/lines/:id/test-call': { roles: AU },
  'GET /api/policy': { roles: AU },
  'PUT /api/policy': { roles: AU },
  'PATCH /api/policy': { roles: AU },
  // SMS: every role
  'POST /api/sms': { roles: AUS },
  'POST /api/lines/:id/sms': { roles: AUS },
  'GET /api/sms/outbox': { roles: AUS },
  'DELETE /api/sms/outbox': { roles: AUS },
  'DELETE /api/sms/outbox/:id': { roles: AUS },
  'GET /api/sms/inbox': { roles: AUS },
  'GET /api/sms/inbox/:id': { roles: AUS },
  'DELETE /api/sms/inbox': { roles: AUS },
  'DELETE /api/sms/inbox/:id': { roles: AUS },
  'GET /api/sms/:id': { roles: AUS },
  'POST /api/sms/:id/resend': { roles: AUS },
  'POST /api/sms/:id/fail': { roles: AUS },
  // SMPP (the smpp configuration section)
  'GET /api/smpp/sessions': { roles: AU },
  'GET /api/smpp/accounts': { roles: AU },
  'PUT /api/smpp/accounts': { roles: AU },
  // USSD and own numbers
  'POST /api/lines/:id/ussd': { roles: AU },
  'POST /api/lines/:id/ussd/reply': { roles: AU },
  'DELETE /api/lines/:id/ussd': { roles: AU },
  'POST /api/lines/:id/ussd/cancel': { roles: AU },
  'GET /api/lines/:id/ussd': { roles: AU },
  'GET /api/lines/:id/own-number': { roles: AU },
  'POST /api/lines/:id/own-number': { roles: AU },
  'PUT /api/sims/:iccid/number': { roles: AU },
  // Configuration (per-section access is checked below)
  'GET /api/config': { roles: AU },
  'GET /api/config/sections': { roles: AU },
  'GET /api/config/:section': { roles: AU },
  'PUT /api/config/:section': { roles: AU },
  // Accounts
  'GET /api/users': { roles: A },
  'POST /api/users': { roles: A },
  'GET /api/users/:name': { roles: A },
  'PUT /api/users/:name': { roles: A },
  'DELETE /api/users/:name': { roles: A },
  // System tools (backup/restore, factory reset, restart)
  'GET /api/system/backup': { roles: A },
  'POST /api/system/restore': { roles: A },
  'POST /api/system/factory-reset': { roles: A },
  'POST /api/system/restart': { roles: A },
  'POST /api/lines/:id/unlock': { roles: A },
  // VoIP
  'GET /api/sip/registrations': { roles: A, optional: true },
  'GET /api/sip/extensions': { roles: A, optional: true },
  'POST /api/sip/registration/auto-fill': { roles: A, optional: true },
};

/** Per configuration section: who may read and replace it. */
const SECTIONS: Record<string, Role[]> = {
  device: AU,
  http: AU,
  log: AU,
  modems: AU,
  security: A,
  policy: AU,
  simulator: AU,
  sms: AU,
  mail: AU,
  smpp: AU,
  ussd: AU,
  calls: AU,
  sip: A,
  ownNumber: AU,
  lines: AU,
};

const PARAMS: Record<string, string> = { id: '999999', slot: 'A', iccid: '89860000000000000000', name: 'no-such-user', section: 'device' };

function concrete(p: string): string {
  return p.replace(/:(\w+)/g, (_m, name: string) => PARAMS[name] ?? 'no-such-item');
}

const PASSWORDS: Record<Role, string> = { admin: ADMIN_PASSWORD, user: 'viewer-password', sms: 'texter-password' };
const USERS: Record<Role, string> = { admin: 'admin', user: 'viewer', sms: 'texter' };

interface Answer {
  status: number;
  body: string;
}

/** One request; an event stream is answered by its status alone (it never ends). */
function call(port: number, method: string, p: string, who: Who, body?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (who !== 'anonymous') headers['authorization'] = basic(USERS[who], PASSWORDS[who]);
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: p, method, headers, agent: false }, (res) => {
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, body: '' });
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The daemon's route parts over fakes that find nothing. */
function fakeParts(config: ConfigStore): DaemonRouteOptions {
  const none = () => undefined;
  const notFound = () => Promise.reject(new AccountError('not-found', 'no such user'));
  return {
    config,
    log: silentLogger(),
    auth: { listUsers: () => [], user: none, addUser: notFound, updateUser: notFound, deleteUser: notFound, verify: async () => false },
    lines: { get: none, all: () => [], list: () => [] },
    policy: {
      snapshot: () => ({ lines: {}, timeTrusted: true, timeSource: 'system' }),
      config: {},
      operator: none,
      reconfigure: none,
      maySendSms: () => ({ ok: true }),
      mayCall: () => ({ ok: true }),
      pickLine: () => null,
    },
    calls: { list: () => ({ active: [], recorded: [], total: 0 }), get: none },
    sms: {
      router: { submit: () => Promise.reject(new Error('not reached')), decideUnknown: () => null },
      store: {
        getOutbound: none,
        getInbound: none,
        queryOutbound: () => ({ total: 0, items: [] }),
        queryInbound: () => ({ total: 0, items: [] }),
        deleteInbound: () => 0,
        deleteOutbound: () => 0,
        deliveriesOf: () => [],
      },
      ussd: { session: async () => ({ state: 'idle' }), cancel: async () => ({ state: 'idle' }) },
      ownNumber: { status: async () => ({ number: null }), startLearning: async () => ({ number: null }) },
      smppSessions: () => [],
      waitOutcome: async () => undefined,
    },
    sip: {
      registrations: () => ({ mode: 'off', problems: [], accounts: [] }),
      extensions: () => ({ enabled: false, realm: 'cellgate', problems: [], managed: [], unmanaged: [] }),
      lineCount: () => 0,
      voipOf: () => null,
    },
  } as unknown as DaemonRouteOptions;
}

async function daemonApp(t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellgate-access-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = await openDaemonConfig({ file: path.join(dir, 'config.json'), log: silentLogger() });
  const sessions = new SessionStore();
  // The live-event and signal routes, mounted beside the others as src/wiring/http.ts does.
  const quiet = { on: () => undefined, off: () => undefined } as never;
  const live = eventStreams({
    hub: new LiveEventHub({ lines: () => [], lineStatus: () => undefined, calls: quiet, callView: () => undefined, sms: quiet }),
    sessions,
    auth: { role: () => null } as never,
  });
  t.after(() => live.closeAll());
  const signals = signalRoutes({ history: new SignalHistory(), lineExists: () => false });
  const h = await startApp({ sessions, extraRoutes: (limit) => [...daemonApiRoutes(fakeParts(config), sessions)(limit), ...live.routes, ...signals] });
  h.auth.users.set('texter', { password: PASSWORDS.sms, role: 'sms' });
  t.after(() => h.close());
  return h;
}

const WHO: Who[] = ['admin', 'user', 'sms', 'anonymous'];

test('every mounted route is in the access table, and every row of the table is mounted', async (t) => {
  const h = await daemonApp(t);
  const mounted = h.routes.map((r) => `${r.method} ${r.path}`);
  const unclassified = mounted.filter((k) => !Object.hasOwn(TABLE, k));
  assert.deepEqual(unclassified, [], 'classify these routes in test/web/access-matrix.test.ts');
  const stale = Object.entries(TABLE).filter(([k, row]) => !row.optional && !mounted.includes(k)).map(([k]) => k);
  assert.deepEqual(stale, [], 'table rows without a route');
});

test('each route answers each role as the access table says: 401 anonymous, 403 not allowed, neither when allowed', async (t) => {
  const h = await daemonApp(t);
  const failures: string[] = [];
  for (const r of h.routes) {
    const row = TABLE[`${r.method} ${r.path}`];
    if (!row) continue; // reported by the test above
    for (const who of WHO) {
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}';
      const a = await call(h.port, r.method, concrete(r.path), who, body);
      const allowed = row.roles === PUBLIC || (who !== 'anonymous' && row.roles.includes(who));
      const expected = allowed ? 'not 401/403' : who === 'anonymous' ? '401' : '403';
      const ok = allowed ? a.status !== 401 && a.status !== 403 : a.status === Number(expected);
      if (!ok) failures.push(`${r.method} ${r.path} as ${who}: expected ${expected}, got ${a.status} ${a.body.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('configuration sections: each role reads and replaces exactly the sections of the table; /sections lists them', async (t) => {
  const h = await daemonApp(t);
  assert.deepEqual([...CONFIG_SECTIONS].sort(), Object.keys(SECTIONS).sort(), 'classify every configuration section here');
  const failures: string[] = [];
  for (const [section, roles] of Object.entries(SECTIONS)) {
    const current = await call(h.port, 'GET', `/api/config/${section}`, 'admin');
    assert.equal(current.status, 200, `${section}: ${current.body}`);
    for (const who of WHO) {
      const allowed = who !== 'anonymous' && roles.includes(who);
      const expected = who === 'anonymous' ? 401 : allowed ? 200 : 403;
      const read = await call(h.port, 'GET', `/api/config/${section}`, who);
      // The section sent back as read: its secrets as the redaction marker.
      const put = await call(h.port, 'PUT', `/api/config/${section}`, who, current.body);
      for (const [what, a] of [['GET', read], ['PUT', put]] as const) {
        if (a.status !== expected) failures.push(`${what} ${section} as ${who}: expected ${expected}, got ${a.status} ${a.body.slice(0, 160)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  for (const who of ['admin', 'user'] as const) {
    const listed = JSON.parse((await call(h.port, 'GET', '/api/config/sections', who)).body) as { sections: string[] };
    assert.deepEqual(listed.sections, CONFIG_SECTIONS.filter((s) => SECTIONS[s]!.includes(who)), who);
    const whole = JSON.parse((await call(h.port, 'GET', '/api/config', who)).body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(whole), listed.sections, `GET /api/config as ${who} holds its sections only`);
  }
});
