/**
 * Wires the daemon: data directory → configuration → admin account → lines → JSON API.
 * `startDaemon` returns once the API listens; modems come up in the background.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthStore } from './config/auth-store.js';
import { secureDataDir } from './config/data-dir.js';
import { configFilePath, defaultDataDir, type ConfigStore } from './config/load.js';
import { openDaemonConfig as openConfig } from './wiring/daemon-config.js';
import { redactSecrets } from './config/secret-fields.js';
import { findUsbModems, LineManager, lineConfig, type ExtraLine, type LineManagerOptions } from './line/line-manager.js';
import type { Simulator } from '../modem-drivers/simulator/simulator.js';
import type { ControlApi } from '../modem-drivers/simulator/control-api.js';
import type { DeviceStatus, LineRegistry } from './line/types.js';
import type { Logger } from './util/log.js';
import { createWebApp, type MountedRoute } from './web/app.js';
import { lineRoutes } from './web/line-routes.js';
import { callRoutes } from './web/call-routes.js';
import { CallService } from './call/call-service.js';
import { RingThenRejectRouter } from './call/call-router.js';
import { CounterStore } from './store/counter-store.js';
import { policyConfigOf, SimPolicy } from './line/sim-policy.js';
import { Messaging } from './sms/messaging.js';
import { smsRoutes } from './web/sms-routes.js';
import { ussdRoutes } from './web/ussd-routes.js';
import { userRoutes } from './web/user-routes.js';
import { SessionStore } from './web/sessions.js';
import { CredentialCache } from './web/credential-cache.js';
import { removeControlApiFile, writeControlApiFile } from './control-api-file.js';

export interface DaemonOptions {
  dataDir: string;
  configFile?: string;
  /** Overrides http.port from the configuration (`--http-port`). */
  httpPort?: number;
  httpHost?: string;
  log: Logger;
  /** Overrides log.level from the configuration (`--log-level`). */
  logLevel?: string;
  /** Where the first-start admin password is printed (once). */
  out?: NodeJS.WritableStream;
  /** Test hooks for the line manager (ports of simulated modems, sysfs roots, timing). */
  lines?: Partial<Omit<LineManagerOptions, 'config' | 'log'>>;
  mode?: DeviceStatus['mode'];
  /** Override simulator.controlHost / controlPort (`--sim-control-port`). */
  simControlHost?: string;
  simControlPort?: number;
  /** Overrides smpp.port (`--smpp-port`; 0 = ephemeral, for tests). */
  smppPort?: number;
  /** What REBOOT by SMS (manual appendix A) does; default: stop and exit so the service manager restarts cellgate. */
  onRestartRequest?: (reason: string) => void;
}

export interface Daemon {
  port: number;
  store: CounterStore;
  policy: SimPolicy;
  calls: CallService;
  simulator: Simulator | null;
  control: ControlApi | null;
  config: ConfigStore;
  auth: AuthStore;
  lines: LineManager;
  messaging: Messaging;
  /** The SMPP SMSC's port when it runs. */
  smppPort: number | null;
  server: Server;
  /** Every route of the JSON API as mounted (method, path with /api, access). */
  routes: readonly MountedRoute[];
  stop(): Promise<void>;
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    /* fall through: running from another layout */
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `host:port`, with an IPv6 address in brackets (RFC 3986 §3.2.2). */
function hostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const log = o.log;
  const configFile = o.configFile ?? configFilePath(o.dataDir);
  // Private before anything is read or written: the directory holds passwords, PINs and messages.
  secureDataDir(o.dataDir, { log, extraFiles: [configFile, `${configFile}.bak`] });
  const config = await openConfig({ file: configFile, log });
  const cfg = config.get();
  log.level = o.logLevel ?? cfg.log.level;
  log.info({ dataDir: o.dataDir, config: config.file }, 'configuration loaded');
  log.debug({ config: redactSecrets(cfg) }, 'effective configuration (defaults filled in, secrets redacted)');

  const auth = await AuthStore.open({ dataDir: o.dataDir, log });
  const initial = await auth.ensureAdminPassword();
  if (initial) {
    // Printed once, never logged: only its scrypt hash is stored (auth.json).
    (o.out ?? process.stdout).write(
      `\n  cellgate: first start. The web/API login is  admin / ${initial}\n` +
        `  It is shown only this once; change it with  cellgate passwd${path.resolve(o.dataDir) === defaultDataDir() ? '' : ` --data ${o.dataDir}`}\n\n`,
    );
  }

  // Demo mode (simulator.mode): simulated modems when nothing real is configured or found.
  const simCfg = cfg.simulator;
  const realModems = cfg.lines.length > 0 || (cfg.modems.autoDetect && findUsbModems(o.lines?.roots).length > 0);
  const useSim = simCfg.mode === 'on' || (simCfg.mode === 'auto' && !realModems);
  let simulator: Simulator | null = null;
  let control: ControlApi | null = null;
  const extraLines: ExtraLine[] = [];
  if (useSim) {
    // Loaded only when used: a gateway on real modems does not carry the simulator in memory.
    const [{ Simulator }, { startControlApi }, { SimPortProvider }] = await Promise.all([
      import('../modem-drivers/simulator/simulator.js'),
      import('../modem-drivers/simulator/control-api.js'),
      import('./wiring/sim-port-provider.js'),
    ]);
    simulator = new Simulator({ modems: simCfg.modems, timing: simCfg.timing, log: log.child({ component: 'simulator' }) });
    const sim = simulator;
    const base = Math.max(0, ...cfg.lines.map((l) => l.id ?? 0));
    for (const m of sim.modems) {
      extraLines.push({
        // The simulated switch starts where the simulated modem is, so start-up needs no SIM change.
        config: lineConfig({ id: base + m.id, name: `SIM${m.id}`, imei: m.imei, simSwitch: { backend: 'simulated', initial: m.slot } }),
        port: new SimPortProvider(() => sim.modems, m.imei),
        onSlotSelect: (slot) => m.selectSlot(slot),
      });
    }
    try {
      control = await startControlApi(sim, { host: o.simControlHost ?? simCfg.controlHost, port: o.simControlPort ?? simCfg.controlPort, log });
    } catch (e) {
      sim.close();
      throw new Error(`simulator control API on ${simCfg.controlHost}:${o.simControlPort ?? simCfg.controlPort}: ${(e as Error).message}`);
    }
    log.warn(
      { modems: sim.modems.length, timing: simCfg.timing, control: control.url },
      simCfg.mode === 'on'
        ? 'simulated modems running beside the real ones (simulator.mode = "on")'
        : 'demo mode: no modem configured or found, running simulated modems (set simulator.mode to "off" to disable)',
    );
  }

  // Counters and CDRs (SQLite, durable) and the SIM policy that uses them.
  let store: CounterStore;
  try {
    store = CounterStore.open(o.dataDir);
  } catch (e) {
    await control?.close();
    simulator?.close();
    throw e;
  }
  const policyConfig = policyConfigOf(cfg);
  const policy = new SimPolicy({ config: policyConfig, store, log: log.child({ component: 'policy' }) });
  // Every call's record; the policy counts calls through it. Calls a crash cut off are closed here.
  const calls = new CallService({
    store,
    accounting: policy,
    router: new RingThenRejectRouter(() => config.get().calls.ringTimeoutSec),
    log: log.child({ component: 'calls' }),
  });

  const version = packageVersion();
  let httpBound = 0;
  // Durable outbox/inbox, scheduler, receivers, forwarding and the SMPP SMSC.
  let restart: ((reason: string) => void) | null = null;
  let messaging: Messaging;
  try {
    messaging = new Messaging({
      dataDir: o.dataDir,
      config,
      lines: () => lines.all(),
      maySendSms: (id) => policy.maySendSms(id),
      verifyAdminPassword: (pw) => auth.verify('admin', pw),
      addresses: () => ({
        http: Object.values(os.networkInterfaces())
          .flat()
          .filter((a) => a && a.family === 'IPv4' && !a.internal)
          .map((a) => `http://${a!.address}:${httpBound}/`),
        ...(config.get().smpp.enabled && messaging.smscPort ? { smpp: [`port ${messaging.smscPort}`] } : {}),
      }),
      device: () => ({ name: config.get().device.name, version }),
      reboot: (reason) => (restart ?? (() => undefined))(reason),
      version,
      log,
      ...(o.smppPort !== undefined ? { smppPort: o.smppPort } : {}),
    });
  } catch (e) {
    await control?.close();
    simulator?.close();
    store.close();
    throw e;
  }

  const lines = new LineManager({
    config: cfg,
    log,
    ...o.lines,
    extraLines: [...(o.lines?.extraLines ?? []), ...extraLines],
    chooseSlot: (id, available) => policy.choose(id, available),
    onLine: (line) => {
      policy.attach(line);
      calls.attach(line);
      messaging.attach(line);
    },
  });

  const startedAt = Date.now();
  const registry: LineRegistry = {
    list: () => lines.list(),
    get: (id) => lines.get(id)?.status(),
    device: () => {
      const all = lines.list();
      return {
        name: cfg.device.name,
        version,
        uptime: Math.floor((Date.now() - startedAt) / 1000),
        startedAt: new Date(startedAt).toISOString(),
        time: new Date().toISOString(),
        timezone: cfg.device.timezone,
        mode: o.mode ?? (simulator && !realModems ? 'demo' : 'hardware'),
        simulator: control ? { modems: simulator!.modems.length, controlApi: control.url } : null,
        lines: { total: all.length, registered: all.filter((l) => l.lifecycle === 'registered').length },
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        lastLogin: auth.lastLogin(),
      };
    },
  };
  // A changed password or role, or a deleted account (API or `cellgate user`), ends that account's sessions.
  const sessions = new SessionStore();
  const credentials = new CredentialCache();
  auth.onChange((user, change) => {
    const ended = sessions.endUser(user);
    credentials.clear();
    log.info({ user, change, sessionsEnded: ended }, 'account changed');
  });
  const app = createWebApp({
    registry,
    sessions,
    credentials,
    extraRoutes: (bodyLimit) => [
      ...lineRoutes({ lines, policy, config, bodyLimit }),
      ...callRoutes({ calls, lines, policy, lineSelection: () => config.get().policy.lineSelection, bodyLimit }),
      ...smsRoutes({
        router: messaging.router,
        store: messaging.store,
        config,
        bodyLimit,
        lineIds: () => lines.all().map((l) => l.id),
        maySendSms: (id) => policy.maySendSms(id),
        smppSessions: () => messaging.smppSessions(),
        waitOutcome: (id, ms) => messaging.waitOutcome(id, ms),
      }),
      ...ussdRoutes({ ussd: messaging.ussd, ownNumber: messaging.ownNumber, bodyLimit }),
      ...userRoutes({ users: auth, sessions, bodyLimit, log }),
    ],
    auth,
    log,
    allowedOrigins: () => config.get().http.allowedOrigins,
    onLogin: (user) => {
      auth.recordLogin(user).catch((e: Error) => log.error({ err: e.message, user }, 'cannot record the login time'));
    },
  });
  const server = createServer(app.callback());
  const port = o.httpPort ?? cfg.http.port;
  const host = o.httpHost ?? cfg.http.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    // Nothing was started yet but the simulator: leave no port or timer behind.
    await control?.close();
    simulator?.close();
    messaging.stop().catch(() => undefined);
    store.close();
    throw new Error(`cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  httpBound = (server.address() as AddressInfo).port;
  try {
    // Before the lines: messages a crash left in `sending` are settled before anything is sent.
    await messaging.start();
  } catch (e) {
    server.close();
    await control?.close();
    simulator?.close();
    await messaging.stop().catch(() => undefined);
    store.close();
    throw new Error(`messaging: ${(e as Error).message}`);
  }
  // The API answers first; modems come up behind it.
  await lines.start();
  policy.start();
  // Simulated SIM holders have card-detect: insertions and removals reach the policy even in slots not bound.
  for (const x of extraLines) {
    const m = simulator?.byImei(x.config.imei ?? '');
    m?.onCardChange((slot, sim) => policy.cardChanged(x.config.id!, slot, sim?.iccid ?? null));
  }
  const bound = (server.address() as AddressInfo).port;
  // One line per listener with the address it took (docs/configuration.md, "Network listeners").
  log.info({ port: bound, host, address: hostPort(host, bound), lines: lines.list().length }, `cellgate API listening on ${hostPort(host, bound)}`);
  if (messaging.smscPort !== null) {
    const smppHost = cfg.smpp.host;
    log.info({ port: messaging.smscPort, host: smppHost, address: hostPort(smppHost, messaging.smscPort) }, `SMPP SMSC listening on ${hostPort(smppHost, messaging.smscPort)}`);
  }
  if (control) {
    const controlHost = o.simControlHost ?? simCfg.controlHost;
    log.info({ port: control.port, host: controlHost, address: hostPort(controlHost, control.port) }, `simulator control API listening on ${hostPort(controlHost, control.port)} (no authentication)`);
  }
  // Accounts changed with `cellgate user` / `cellgate passwd` while the daemon runs.
  const stopWatchingAuth = auth.watch();
  // `cellgate simulate` finds the control API here, whatever port it got.
  if (control) {
    try {
      writeControlApiFile(o.dataDir, control.url);
    } catch (e) {
      log.warn({ err: (e as Error).message, dataDir: o.dataDir }, 'cannot write the control API address file; cellgate simulate needs --api');
    }
  }

  const daemon: Daemon = {
    port: bound,
    store,
    policy,
    calls,
    simulator,
    control,
    config,
    auth,
    lines,
    messaging,
    smppPort: messaging.smscPort,
    server,
    routes: app.mountedRoutes,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      stopWatchingAuth();
      if (control) removeControlApiFile(o.dataDir);
      policy.stop();
      calls.stop();
      await messaging.stop();
      await lines.stop();
      await control?.close();
      simulator?.close();
      store.close();
    },
  };
  restart =
    o.onRestartRequest ??
    ((reason) => {
      // Exit status 75 (EX_TEMPFAIL): a service manager restarts cellgate with Restart=on-failure
      // as well as with Restart=always.
      log.warn({ reason }, 'restart requested: stopping with exit status 75; the service manager starts cellgate again');
      void daemon.stop().finally(() => process.exit(75));
    });
  return daemon;
}
