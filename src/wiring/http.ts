/**
 * The web UI and JSON API: the line registry the API reads, sessions, every route, and the HTTP server
 * with its two services (listen early; stop taking requests first on shutdown).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { AuthStore } from '../config/auth-store.js';
import type { ConfigStore } from '../config/load.js';
import type { LineManager } from '../line/line-manager.js';
import type { SimPolicy } from '../line/sim-policy.js';
import type { DeviceStatus, LineRegistry } from '../line/types.js';
import { once, service, type Service } from '../system/service.js';
import type { Logger } from '../util/log.js';
import { createWebApp, type MountedRoute } from '../web/app.js';
import { CredentialCache } from '../web/credential-cache.js';
import { lineRoutes } from '../web/line-routes.js';
import { callRoutes } from '../web/call-routes.js';
import type { CallService } from '../call/call-service.js';
import { SessionStore } from '../web/sessions.js';
import { smsRoutes } from '../web/sms-routes.js';
import { userRoutes } from '../web/user-routes.js';
import { sipRoutes, withVoip, type SipRouteDeps } from '../web/sip-routes.js';
import type { LineVoip } from '../sip/registration/index.js';
import { ussdRoutes } from '../web/ussd-routes.js';
import { configRoutes } from '../web/config-routes.js';
import type { ApiRoute } from '../web/api-routes.js';
import { policyConfigOf } from '../line/sim-policy.js';
import { appliesLive } from './live-settings.js';
import type { SimulatorPart } from './simulator.js';
import type { SmsParts } from './sms.js';
import { SignalHistory } from '../line/signal-history.js';
import { eventStreams } from '../web/event-stream-routes.js';
import { LiveEventHub } from '../web/live-event-hub.js';
import { signalRoutes } from '../web/signal-routes.js';
import { systemRoutes } from '../web/system-routes.js';
import { simUnlockRoutes } from '../web/sim-unlock-routes.js';
import { networkView } from '../system/network-view.js';

export interface HttpWiringOptions {
  config: ConfigStore;
  auth: AuthStore;
  lines: LineManager;
  policy: SimPolicy;
  calls: CallService;
  sms: SmsParts;
  /** The demo-mode part, when simulated modems run. */
  simulator: SimulatorPart | null;
  /** The SIP accounts' API (createSipAccounts(...).api), when SIP runs. */
  sip?: (Omit<SipRouteDeps, 'bodyLimit'> & { voipOf(line: number): LineVoip | null }) | null;
  mode: DeviceStatus['mode'];
  version: string;
  host: string;
  port: number;
  /** HTTPS with this PEM pair (http.tls); null: plain HTTP. */
  tls?: { cert: string; key: string } | null;
  /** Stops the daemon so that its service manager starts it again (POST /api/system/restart). */
  restart?: (reason: string) => void;
  log: Logger;
}

export interface HttpPart {
  server: Server;
  routes: readonly MountedRoute[];
  /** The port the server listens on (0 until it does). */
  readonly boundPort: number;
  /** Listens (a failure reads "cannot listen on host:port: …"); its stop closes the server if still open. */
  listen: Service;
  /** Starts nothing; its stop closes the server: listed last, so on shutdown the API stops taking requests first. */
  stopFirst: Service;
}

/** What the daemon's API routes (beyond those of createWebApp itself) are made of. */
export type DaemonRouteOptions = Pick<HttpWiringOptions, 'config' | 'auth' | 'lines' | 'policy' | 'calls' | 'sms' | 'sip' | 'log'> &
  Partial<Pick<HttpWiringOptions, 'version' | 'restart'>>;

/**
 * Every API route the daemon mounts besides createWebApp's own, as `extraRoutes`: exported so that
 * tests mount exactly the daemon's routes (the access matrix).
 */
export function daemonApiRoutes(o: DaemonRouteOptions, sessions: SessionStore): (bodyLimit: number) => ApiRoute[] {
  const { config, auth, lines, policy, calls, sms, log } = o;
  return (bodyLimit) => [
    ...lineRoutes({ lines, policy, config, bodyLimit }),
    ...callRoutes({ calls, lines, policy, lineSelection: () => config.get().policy.lineSelection, bodyLimit }),
    ...smsRoutes({
      router: sms.router,
      store: sms.store,
      config,
      bodyLimit,
      lineIds: () => lines.all().map((l) => l.id),
      maySendSms: (id) => policy.maySendSms(id),
      smppSessions: () => sms.smppSessions(),
      waitOutcome: (id, ms) => sms.waitOutcome(id, ms),
    }),
    ...ussdRoutes({ ussd: sms.ussd, ownNumber: sms.ownNumber, bodyLimit }),
    ...userRoutes({ users: auth, sessions, bodyLimit, log }),
    ...configRoutes({
      config,
      bodyLimit,
      appliesLive,
      applied: (section, next) => {
        if (section === 'policy') policy.reconfigure(policyConfigOf(next));
      },
    }),
    ...(o.sip ? sipRoutes({ ...o.sip, bodyLimit }) : []),
    ...simUnlockRoutes({ lines, bodyLimit, log }),
    ...systemRoutes({
      config,
      accounts: auth,
      messages: sms.store,
      version: o.version ?? 'unknown',
      bodyLimit,
      log,
      appliesLive,
      applied: (next) => policy.reconfigure(policyConfigOf(next)),
      ...(o.restart ? { restart: o.restart } : {}),
    }),
  ];
}

export function wireHttp(o: HttpWiringOptions): HttpPart {
  const { config, auth, lines, calls, sms, log } = o;
  const cfg = config.get();
  const startedAt = Date.now();
  const registry: LineRegistry = {
    list: () => lines.list().map((s) => withVoip(s, o.sip?.voipOf)),
    get: (id) => {
      const status = lines.get(id)?.status();
      return status && withVoip(status, o.sip?.voipOf);
    },
    device: () => {
      const all = lines.list();
      const sim = o.simulator;
      return {
        name: config.get().device.name,
        version: o.version,
        uptime: Math.floor((Date.now() - startedAt) / 1000),
        startedAt: new Date(startedAt).toISOString(),
        time: new Date().toISOString(),
        timezone: cfg.device.timezone,
        mode: o.mode,
        simulator: sim?.control ? { modems: sim.simulator!.modems.length, controlApi: sim.control.url } : null,
        lines: { total: all.length, registered: all.filter((l) => l.lifecycle === 'registered').length },
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        lastLogin: auth.lastLogin(),
        network: networkView(os.networkInterfaces()),
      };
    },
  };
  // A changed password or role, or a deleted account (API or `cellgate user`), ends that account's sessions.
  const sessions = new SessionStore();
  const credentials = new CredentialCache();
  // Live updates (GET /api/events) and the per-line signal history (GET /api/lines/:id/signal).
  const live = eventStreams({
    hub: new LiveEventHub({ lines: () => lines.all(), lineStatus: (id) => registry.get(id), calls, callView: (id) => calls.get(id), sms: sms.events }),
    sessions,
    auth,
  });
  const signalHistory = new SignalHistory();
  auth.onChange((user, change) => {
    const ended = sessions.endUser(user);
    credentials.clear();
    const streamsEnded = live.endUser(user);
    log.info({ user, change, sessionsEnded: ended, streamsEnded }, 'account changed');
  });
  const app = createWebApp({
    registry,
    sessions,
    credentials,
    extraRoutes: (bodyLimit) => [
      ...daemonApiRoutes(o, sessions)(bodyLimit),
      ...live.routes,
      ...signalRoutes({ history: signalHistory, lineExists: (id) => lines.get(id) !== undefined }),
    ],
    auth,
    log,
    allowedOrigins: () => config.get().http.allowedOrigins,
    onLogin: (user) => {
      auth.recordLogin(user).catch((e: Error) => log.error({ err: e.message, user }, 'cannot record the login time'));
    },
  });
  // Over HTTPS, Koa's ctx.secure is true, so the session and CSRF cookies get the Secure flag.
  const server: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, app.callback()) : createServer(app.callback());
  let boundPort = 0;
  const close = once(
    () =>
      new Promise<void>((r) => {
        signalHistory.stop();
        live.closeAll();
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  const listen = async () => {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port, o.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      throw new Error(`cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
    }
    boundPort = (server.address() as AddressInfo).port;
    signalHistory.start(() => lines.list());
  };
  return {
    server,
    routes: app.mountedRoutes,
    get boundPort() {
      return boundPort;
    },
    listen: service('HTTP API', listen, close),
    stopFirst: service('HTTP API (stops taking requests first)', () => undefined, close),
  };
}
