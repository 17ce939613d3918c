/**
 * Wires the daemon: data directory → configuration → admin account, then the one ordered list of
 * services (simulated modems, stores, HTTP API, SMS pipeline, lines, SIM policy, watches), started in
 * order and stopped in reverse (docs/decisions/0012-one-wiring-place.md). The parts are built in
 * src/wiring/. `startDaemon` returns once the API listens; modems come up in the background.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { isIPv6 } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthStore } from './config/auth-store.js';
import { secureDataDir } from './config/data-dir.js';
import { configFilePath, defaultDataDir, openConfig, type ConfigStore } from './config/load.js';
import { redactSecrets } from './config/secret-fields.js';
import { findUsbModems, LineManager, type LineManagerOptions } from './line/line-manager.js';
import type { Simulator } from '../modem-drivers/simulator/simulator.js';
import type { ControlApi } from '../modem-drivers/simulator/control-api.js';
import type { DeviceStatus } from './line/types.js';
import type { Logger } from './util/log.js';
import type { MountedRoute } from './web/app.js';
import { CallService } from './call/call-service.js';
import { RingThenRejectRouter } from './call/call-router.js';
import { CounterStore } from './store/counter-store.js';
import { policyConfigOf, SimPolicy } from './line/sim-policy.js';
import { removeControlApiFile, writeControlApiFile } from './control-api-file.js';
import { service, ServiceRunner } from './system/service.js';
import { loadHttpCertificate, type HttpCertificate } from './system/http-certificate.js';
import { wireHttp } from './wiring/http.js';
import { simulatorPart } from './wiring/simulator.js';
import { wireSms, type SmsParts } from './wiring/sms.js';
import { wireSip, type SipParts } from './wiring/sip.js';
import { wireSipSms } from './wiring/sip-sms.js';
import { daemonCallAudio } from './wiring/call-audio.js';
import { wireSipMediaCdr } from './wiring/sip-media-cdr.js';
import { wireSipToGsm } from './wiring/sip-to-gsm.js';
import { wireCallWaiting } from './wiring/call-waiting.js';
import { wireSipAccounts } from './wiring/sip-accounts.js';
import { wireGsmToSip } from './wiring/sip-gsm-to-sip.js';
import { wireSipKeepAlive } from './wiring/sip-keep-alive.js';

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
  /** Overrides sip.port, UDP and TCP (`--sip-port`; 0 = ephemeral, for tests). */
  sipPort?: number;
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
  /** The SMS/USSD pipeline's parts (store, router, scheduler, SMSC, events, ...). */
  messaging: SmsParts;
  /** The SMPP SMSC's port when it runs. */
  smppPort: number | null;
  /** The SIP endpoint and its ports when SIP runs (sip.enabled). */
  sip: SipParts | null;
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

  // Every service below is started through `running`: in order, and stopped in reverse on shutdown or
  // when a start fails (then only those already started).
  const running = new ServiceRunner(log);
  try {
    return await startServices(o, { config, auth, running });
  } catch (e) {
    await running.stop();
    throw e;
  }
}

async function startServices(o: DaemonOptions, { config, auth, running }: { config: ConfigStore; auth: AuthStore; running: ServiceRunner }): Promise<Daemon> {
  const log = o.log;
  const cfg = config.get();
  const version = packageVersion();

  // 1. Demo mode (simulator.mode): simulated modems when nothing real is configured or found.
  const realModems = cfg.lines.length > 0 || (cfg.modems.autoDetect && findUsbModems(o.lines?.roots).length > 0);
  const useSim = cfg.simulator.mode === 'on' || (cfg.simulator.mode === 'auto' && !realModems);
  const demo = useSim ? simulatorPart({ cfg, controlHost: o.simControlHost, controlPort: o.simControlPort, log }) : null;
  if (demo) await running.start(demo.service);

  // 2. Counters and CDRs (SQLite, durable) and the SIM policy that uses them.
  const store = await running.open('counter store', () => CounterStore.open(o.dataDir), (s) => s.close());
  const policy = new SimPolicy({ config: policyConfigOf(cfg), store, log: log.child({ component: 'policy' }) });
  // Every call's record; the policy counts calls through it. Calls a crash cut off are closed here.
  const calls = new CallService({
    store,
    accounting: policy,
    router: new RingThenRejectRouter(() => config.get().calls.ringTimeoutSec),
    log: log.child({ component: 'calls' }),
  });

  // 3. The SMS/USSD pipeline around its durable outbox/inbox (the message store).
  let restart: ((reason: string) => void) | null = null;
  const sms: SmsParts = await running.open(
    'message store',
    () =>
      wireSms({
        dataDir: o.dataDir,
        config,
        lines: () => lines.all(),
        maySendSms: (id) => policy.maySendSms(id),
        verifyAdminPassword: (pw) => auth.verify('admin', pw),
        addresses: () => ({
          http: Object.values(os.networkInterfaces())
            .flat()
            .filter((a) => a && a.family === 'IPv4' && !a.internal)
            .map((a) => `http://${a!.address}:${http.boundPort}/`),
          ...(config.get().smpp.enabled && sms.smscPort ? { smpp: [`port ${sms.smscPort}`] } : {}),
        }),
        device: () => ({ name: config.get().device.name, version }),
        reboot: (reason) => (restart ?? (() => undefined))(reason),
        version,
        log,
        ...(o.smppPort !== undefined ? { smppPort: o.smppPort } : {}),
        // Received SMS forwarded as SIP MESSAGE; the bridge is built with the SIP endpoint below.
        ...(cfg.sip.enabled
          ? { sendSipMessage: (target: string, body: string) => (sipSms ? sipSms.sendMessage(target, body) : Promise.reject(new Error('SIP is not running'))) }
          : {}),
      }),
    (parts) => parts.close(),
  );

  // 4. The SIP endpoint (transports, transactions, who may call and send SMS).
  const sip = await running.open(
    'SIP endpoint',
    () => wireSip({ config: () => config.get(), simulated: demo !== null, version, log, ...(o.sipPort !== undefined ? { port: o.sipPort } : {}) }),
    (parts) => parts?.close(),
  );
  const sipLog = log.child({ component: 'sip' });
  // RTP port pairs for calls' SDP, and the CDR push (every ended call to sip.cdr.url).
  const sipMedia = sip
    ? await running.open(
        'SIP media and CDR push',
        () => {
          const [min, max] = cfg.sip.media.rtpPorts.split('-').map(Number) as [number, number];
          return wireSipMediaCdr({
            store,
            calls,
            cdr: () => config.get().sip.cdr,
            publicHost: sip.publicHost,
            rtpPorts: { min, max },
            sdp: () => config.get().sip.media,
            audio: daemonCallAudio({ line: (id) => lines.get(id), media: () => config.get().sip.media, cname: `cellgate@${sip.publicHost}`, log }),
            ...(cfg.sip.media.bindAddress !== null ? { rtpBindAddress: cfg.sip.media.bindAddress } : {}),
            version,
            log,
          });
        },
        (parts) => parts.close(),
      )
    : null;
  const sipSms = sip
    ? wireSipSms({
        config,
        sipConfig: sip.config,
        endpoint: sip.endpoint,
        sms,
        admit: (incoming) => sip.access.admit(incoming),
        localVia: (kind) => ({ host: sip.publicHost, port: kind === 'tls' ? (sip.ports.tls ?? sip.ports.udp) : kind === 'tcp' ? sip.ports.tcp : sip.ports.udp }),
        version,
        log: sipLog,
      })
    : null;

  // 5. The lines (built now, started below) and the web UI / JSON API.
  // Call waiting (manual §4.7): each line's mode, set in the network as it registers.
  const callWaiting = wireCallWaiting({ config, lines: () => lines.all(), log });
  const lines = new LineManager({
    config: cfg,
    log,
    ...o.lines,
    extraLines: [...(o.lines?.extraLines ?? []), ...(demo?.extraLines ?? [])],
    chooseSlot: (id, available) => policy.choose(id, available),
    onLine: (line) => {
      policy.attach(line);
      calls.attach(line);
      callWaiting.attach(line);
      sms.attach(line);
    },
  });
  // SIP → GSM calls: INVITEs the access check admits are placed on a line the SIM policy allows.
  const sipToGsm =
    sip && sipMedia
      ? wireSipToGsm({
          endpoint: sip.endpoint,
          admit: (incoming) => sip.access.admit(incoming),
          media: sipMedia.media,
          config,
          lines: () => lines.all(),
          calls,
          policy,
          minutesUsed: (id) => policy.minutesUsed(id),
          digit: (lineId, digit) => void callWaiting.waiting.digit(lineId, digit),
          extensionLines: (user) => sipAccounts?.accounts.registrar.linesFor(user),
          log,
        })
      : null;
  // Registrations to PBXes (the manual's modes) and the embedded registrar for SIP phones.
  const sipAccounts = sip ? wireSipAccounts({ config, endpoint: sip.endpoint, local: { host: sip.publicHost, port: sip.ports.udp }, lines, version, log: sipLog }) : null;
  if (sip && sipAccounts) {
    const registrar = sipAccounts.accounts.registrar;
    sip.setExtensionSecrets(() => (registrar.enabled ? (user) => registrar.secretFor(user) : undefined));
  }
  // GSM → SIP: incoming GSM calls forwarded (fixed target, URI, caller prefix) or forked to the registrar's phones.
  const gsmToSip =
    sip && sipMedia
      ? wireGsmToSip({
          endpoint: sip.endpoint,
          calls,
          media: sipMedia.media,
          ...(sipAccounts ? { registrar: sipAccounts.accounts.registrar } : {}),
          config: sip.config,
          ...(sipAccounts ? { lineAccount: (line: number) => sipAccounts.accounts.manager.accountFor(line) } : {}),
          local: { host: sip.publicHost, port: sip.ports.udp },
          version,
          fallback: new RingThenRejectRouter(() => config.get().calls.ringTimeoutSec),
          log,
        })
      : null;
  const host = o.httpHost ?? cfg.http.host;
  const tls = await loadHttpCertificate(cfg.http.tls, o.dataDir);
  if (tls) logHttpCertificate(log, tls, o.out ?? process.stdout);
  const http = wireHttp({
    config,
    auth,
    lines,
    policy,
    calls,
    sms,
    sip: sipAccounts ? sipAccounts.accounts.api : null,
    simulator: demo,
    mode: o.mode ?? (useSim && !realModems ? 'demo' : 'hardware'),
    version,
    host,
    port: o.httpPort ?? cfg.http.port,
    tls,
    // The same path as REBOOT by SMS: `restart` is set once the daemon is assembled (below).
    restart: (reason) => (restart ?? (() => undefined))(reason),
    log,
  });

  // 6. The running order. The API answers first; modems come up behind it. The SMS scheduler settles
  // messages a crash left in `sending` before the lines start. On shutdown (reverse order) the API
  // stops taking requests first, and the SMS pipeline stops (its sends in flight finish) before the lines.
  let stopWatchingAuth: () => void = () => undefined;
  await running.start(
    service('lines', () => undefined, () => lines.stop()),
    http.listen,
    // The SMS pipeline, listed so that its reverse drains it: retention and intake stop first, then
    // receivers and the scheduler (sends in flight finish), the SMSC, the forwarders, the store.
    sms.services.forwarders,
    sms.services.smsc,
    sms.services.scheduler,
    sms.services.receivers,
    sms.services.ussd,
    sms.services.ownNumber,
    sms.services.router,
    sms.services.retention,
    // SIP MESSAGE → SMS and the relay reports; stops before the SMS pipeline it submits to.
    service('SIP MESSAGE bridge', () => sipSms?.start(), () => sipSms?.stop()),
    // Stopped after the SIM policy: ring timers of incoming calls end with it.
    service('calls', () => undefined, () => calls.stop()),
    callWaiting.service,
    // SIP callers get BYE or 503 before the lines and the call service stop; incoming GSM calls go
    // back to ring-then-reject.
    service('SIP → GSM calls', () => undefined, () => sipToGsm?.stop()),
    service('GSM → SIP calls', () => undefined, () => gsmToSip?.stop()),
    // Registers to PBXes and takes REGISTER from phones; its stop unregisters (at most 5 s).
    ...(sipAccounts ? [sipAccounts.service] : []),
    ...(sip && sipAccounts ? [wireSipKeepAlive({ sip, manager: sipAccounts.accounts.manager, config, version, log: sipLog })] : []),
    service('line start', () => lines.start(), () => undefined),
    service(
      'SIM policy',
      () => {
        policy.start();
        demo?.reportCardChanges(policy);
      },
      () => policy.stop(),
    ),
    // `cellgate simulate` finds the control API here, whatever port it got.
    service('control API address file', () => writeControlApiAddress(o.dataDir, demo?.control ?? null, log), () => {
      if (demo?.control) removeControlApiFile(o.dataDir);
    }),
    // Accounts changed with `cellgate user` / `cellgate passwd` while the daemon runs.
    service('account watch', () => void (stopWatchingAuth = auth.watch()), () => stopWatchingAuth()),
    http.stopFirst,
  );
  logListeners(log, {
    http: { host, port: http.boundPort, https: tls !== null },
    lines: lines.list().length,
    smpp: sms.smscPort !== null ? { host: cfg.smpp.host, port: sms.smscPort } : null,
    sip,
    control: demo?.control ? { host: o.simControlHost ?? cfg.simulator.controlHost, port: demo.control.port } : null,
  });

  const daemon: Daemon = {
    port: http.boundPort,
    store,
    policy,
    calls,
    simulator: demo?.simulator ?? null,
    control: demo?.control ?? null,
    config,
    auth,
    lines,
    messaging: sms,
    smppPort: sms.smscPort,
    sip,
    server: http.server,
    routes: http.routes,
    stop: () => running.stop(),
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

function writeControlApiAddress(dataDir: string, control: ControlApi | null, log: Logger): void {
  if (!control) return;
  try {
    writeControlApiFile(dataDir, control.url);
  } catch (e) {
    log.warn({ err: (e as Error).message, dataDir }, 'cannot write the control API address file; cellgate simulate needs --api');
  }
}

/**
 * The HTTPS certificate's fingerprint, at every start: a self-signed certificate is trusted by comparing
 * it with what the browser shows. A new one is also printed on the terminal, like the first password.
 */
function logHttpCertificate(log: Logger, c: HttpCertificate, out: NodeJS.WritableStream): void {
  log.info({ certFile: c.certFile, source: c.source, fingerprint256: c.fingerprint256, notAfter: c.notAfter.toISOString() }, `HTTPS certificate SHA-256 fingerprint ${c.fingerprint256}`);
  if (c.source === 'self-signed-new') {
    out.write(`\n  cellgate: made a self-signed HTTPS certificate (${c.certFile}).\n  Its SHA-256 fingerprint, to compare with what your browser shows:\n  ${c.fingerprint256}\n\n`);
  }
}

/** One line per listener with the address it took (docs/configuration.md, "Network listeners"). */
function logListeners(
  log: Logger,
  l: { http: { host: string; port: number; https: boolean }; lines: number; smpp: { host: string; port: number } | null; sip: SipParts | null; control: { host: string; port: number } | null },
): void {
  const { host, port } = l.http;
  log.info({ port, host, address: hostPort(host, port), lines: l.lines, https: l.http.https }, `cellgate API listening on ${hostPort(host, port)}${l.http.https ? ' (HTTPS)' : ''}`);
  if (l.smpp) {
    log.info({ port: l.smpp.port, host: l.smpp.host, address: hostPort(l.smpp.host, l.smpp.port) }, `SMPP SMSC listening on ${hostPort(l.smpp.host, l.smpp.port)}`);
  }
  if (l.sip) {
    const { udp, tcp, tls } = l.sip.ports;
    const at = hostPort(l.sip.listenHost, udp);
    log.info(
      { host: l.sip.listenHost, udp, tcp, tls, demoTrunk: l.sip.demo },
      `SIP listening on ${at} (UDP${tcp === udp ? ', TCP' : `; TCP ${tcp}`}${tls !== null ? `; TLS ${tls}` : ''})${l.sip.demo ? '; demo trunk: calls and MESSAGE from 127.0.0.1 accepted without authentication' : ''}`,
    );
  }
  if (l.control) {
    log.info({ port: l.control.port, host: l.control.host, address: hostPort(l.control.host, l.control.port) }, `simulator control API listening on ${hostPort(l.control.host, l.control.port)} (no authentication)`);
  }
}
