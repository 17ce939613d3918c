/**
 * Builds the SMS/USSD pipeline's parts and connects them (docs/architecture.md, flows 3 and 4):
 *
 *   submit (API, SMPP, forwards, commands) → SmsRouter → MessageStore (durable) → SmsScheduler → Line
 *   Line (+CMTI/+CDSI) → SmsReceiver → MessageStore (+ fan-out jobs) → delete from the modem
 *   fan-out jobs → DeliveryWorker per kind (e-mail, webhook, SMS forward, SIP) / SMPP deliver_sm
 *   outbound final status → receipts (SMPP deliver_sm)
 *
 * Nothing runs here: the parts that run are returned as services, which the daemon's one list of
 * services (src/app.ts) starts in order and stops in reverse. What the pipeline does is published on
 * `events` (SmsEvents in src/events.ts).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { ConfigStore } from '../config/load.js';
import type { SmsEvents, SmsFinalState } from '../events.js';
import type { Line } from '../line/line.js';
import { FINAL_STATUSES, MessageStore, type InboundMessage, type OutStatus } from '../store/message-store.js';
import type { SmscServer } from '../smpp/server.js';
import { SmsCommandHandler } from '../sms/command-handler.js';
import { screenCommand, type InfoAddresses, type SmsCommand } from '../sms/commands.js';
import { buildFanout } from '../sms/fanout.js';
import { ForwardWorkers } from '../sms/forward-workers.js';
import { OutcomeWaiters } from '../sms/outcome-waiters.js';
import { OwnNumberDiscovery } from '../sms/own-number.js';
import { SmsReceiver } from '../sms/receiver.js';
import { SmsScheduler } from '../sms/scheduler.js';
import { asSendingLine } from '../sms/send-text.js';
import { ResubmitGuard } from '../sms/resubmit-guard.js';
import { SmppBackend } from '../sms/smpp-backend.js';
import { SmsRouter } from '../sms/sms-router.js';
import { service, type Service } from '../system/service.js';
import { UssdService } from '../ussd/ussd-service.js';
import { fsyncDelayFromEnv } from './fault-injection.js';
import type { Logger } from '../util/log.js';

export interface SmsWiringOptions {
  dataDir: string;
  config: ConfigStore;
  lines: () => Line[];
  maySendSms?: (lineId: number) => { ok: true } | { ok: false; reason: string };
  verifyAdminPassword: (password: string) => Promise<boolean>;
  addresses: () => InfoAddresses;
  device: () => { name: string; version: string };
  reboot: (reason: string) => void;
  version: string;
  log: Logger;
  /** Overrides smpp.port (tests; 0 = ephemeral). */
  smppPort?: number;
  /** Sends a received SMS as a SIP MESSAGE (the SIP MESSAGE bridge's sendMessage); starts the 'sip' forward worker. */
  sendSipMessage?: (target: string, body: string) => Promise<void>;
}

/** The pipeline's services, named for the daemon's list (src/app.ts orders them). */
export interface SmsServices {
  /** Workers that forward received SMS (e-mail, webhook, SMS). */
  forwarders: Service;
  /** The SMPP SMSC, when smpp.enabled. */
  smsc: Service;
  /** Settles messages a crash left in `sending`, then takes the queue; its stop waits for sends in flight. */
  scheduler: Service;
  /** One receiver per line, created as the line manager creates lines; stopped here. */
  receivers: Service;
  ussd: Service;
  ownNumber: Service;
  /** Flushes parts of submitted messages whose siblings never came. */
  router: Service;
  /** Deletes old messages every hour (sms.retention). */
  retention: Service;
}

export interface SmsParts {
  readonly store: MessageStore;
  readonly router: SmsRouter;
  readonly scheduler: SmsScheduler;
  readonly backend: SmppBackend;
  readonly ussd: UssdService;
  readonly ownNumber: OwnNumberDiscovery;
  /** What the pipeline publishes. */
  readonly events: EventEmitter<SmsEvents>;
  /** The SMPP SMSC once it listens. */
  readonly smsc: SmscServer | null;
  readonly smscPort: number | null;
  readonly services: SmsServices;
  /** Connects a line (called for every line the line manager creates): its receiver, USSD and own number. */
  attach(line: Line): void;
  /** A line's own number: the SIM's (+CNUM) or the one learned for its ICCID (§5.11). */
  numberOf(lineId: number): string | null;
  /** Resolves when the message left queued/sending, or after `ms`. */
  waitOutcome(id: string, ms: number): Promise<void>;
  smppSessions(): unknown[];
  /** Closes the message store (the daemon's last SMS stop). */
  close(): void;
}

function isFinal(status: OutStatus): status is SmsFinalState {
  return FINAL_STATUSES.has(status);
}

/** A pipeline service; a failed start reads "messaging: …" whichever part failed. */
function pipelineService(name: string, start: () => void | Promise<void>, stop: () => void | Promise<void>): Service {
  return service(
    name,
    async () => {
      try {
        await start();
      } catch (e) {
        throw new Error(`messaging: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    stop,
  );
}

/** Opens the message store and builds the pipeline around it. */
export function wireSms(o: SmsWiringOptions): SmsParts {
  const log = o.log;
  const cfg = () => o.config.get();
  const sms = () => cfg().sms;
  const events = new EventEmitter<SmsEvents>();
  // A listener that throws must not fail the pipeline step that published (a submit already queued, ...).
  const publish = (event: keyof SmsEvents, emit: () => void) => {
    try {
      emit();
    } catch (e) {
      log.error({ err: e, event }, 'an SMS event listener failed');
    }
  };
  const receivers = new Map<Line, SmsReceiver>();
  let smsc: SmscServer | null = null;
  let smscPort: number | null = null;

  // A message's final state becomes known inside the store's transaction (onFinal); it is published on
  // the next turn, once the transaction committed, and only if the message is still final then.
  const finals = new Set<string>();
  const publishFinals = () => {
    const ids = [...finals];
    finals.clear();
    for (const id of ids) {
      let m;
      try {
        m = store.getOutbound(id);
      } catch {
        return; // the store closed meanwhile (shutdown): the daemon is going away
      }
      const state = m?.status;
      if (state && isFinal(state)) publish('sms-final', () => events.emit('sms-final', { id, state }));
    }
  };
  const store = MessageStore.open(o.dataDir, {
    ackSyncDelayMs: fsyncDelayFromEnv(process.env, log),
    onFinal: (m) => {
      if (finals.size === 0) setImmediate(publishFinals);
      finals.add(m.id);
      return backend.receiptsFor(m);
    },
  });
  const waiters = new OutcomeWaiters(store);
  const router = new SmsRouter({
    store,
    config: sms,
    linePrefixes: () => cfg().lines.map((l) => ({ line: l.id, prefixes: l.prefixes ?? '' })),
    onQueued: () => scheduler.wake(),
    onAccepted: (m) => publish('sms-accepted', () => events.emit('sms-accepted', { id: m.id, client: m.client })),
    log: log.child({ component: 'sms-router' }),
  });
  const receiving = (lineId: number) => {
    for (const [line, r] of receivers) if (line.id === lineId) return r.busy();
    return false;
  };
  const scheduler = new SmsScheduler({
    store,
    lines: () => o.lines().map(asSendingLine),
    ...(o.maySendSms ? { maySend: o.maySendSms } : {}),
    config: sms,
    log: log.child({ component: 'sms-scheduler' }),
    receiving,
  });
  scheduler.on('final', () => smsc?.notify());
  scheduler.on('sent', (id) => waiters.settle(id));
  scheduler.on('sent', (id) => publish('sms-sent', () => events.emit('sms-sent', { id })));
  scheduler.on('final', () => waiters.settleAll());
  const resubmits = new ResubmitGuard({
    store,
    windowMs: () => (cfg().smpp.enabled ? cfg().smpp.resubmitWindowSec * 1000 : 0),
    onSendable: () => scheduler.wake(),
    log: log.child({ component: 'smpp-resubmits' }),
  });
  // Before anything can send or accept: copies stored without their answer wait for resubmissions.
  resubmits.hold();
  const backend = new SmppBackend({
    store,
    router,
    resubmits,
    config: () => cfg().smpp,
    lineNumber: (line) => numberOf(line),
    log: log.child({ component: 'smpp' }),
  });
  const ussd = new UssdService({
    getLine: (id) => o.lines().find((l) => l.id === id),
    config: cfg().ussd,
    log: log.child({ component: 'ussd' }),
  });
  const ownNumber = new OwnNumberDiscovery({
    config: cfg().ownNumber,
    store,
    lines: o.lines,
    ussd,
    sendSms: async (lineId, to, text) => (await router.submit({ origin: 'discovery', recipient: to, text, lines: [lineId] })).id,
    log: log.child({ component: 'own-number' }),
  });
  const commands = new SmsCommandHandler({
    config: sms,
    verifyAdminPassword: o.verifyAdminPassword,
    reply: (line, to, text) => router.submit({ origin: 'command', recipient: to, text, lines: [line] }),
    addresses: o.addresses,
    device: o.device,
    reboot: o.reboot,
    reset: async (reason) => {
      log.warn({ reason }, 'restoring the default configuration');
      await o.config.update((doc) => {
        const d = doc as Record<string, unknown>;
        for (const k of Object.keys(d)) if (k !== 'http') delete d[k];
      });
    },
    log: log.child({ component: 'sms-commands' }),
  });
  const numberOf = (lineId: number): string | null => {
    const line = o.lines().find((l) => l.id === lineId);
    if (!line) return null;
    return line.status().sim.number ?? ownNumber.status(lineId).number ?? null;
  };
  const forwarders = new ForwardWorkers({
    store,
    router,
    config: cfg,
    ownNumbers: () => o.lines().map((l) => numberOf(l.id)).filter((n): n is string => !!n),
    version: o.version,
    log,
    ...(o.sendSipMessage ? { sendSipMessage: o.sendSipMessage } : {}),
  });

  const onStored = async (m: InboundMessage, command?: SmsCommand): Promise<void> => {
    publish('sms-received', () => events.emit('sms-received', { id: m.id, line: Number(m.line), from: m.sender }));
    if (m.command) {
      // An SMS command: stored masked and without forwards; acted on from the copy in memory.
      if (command) void commands.handle(m, command);
      else log.warn({ id: m.id, command: m.command }, 'SMS command stored without its text in memory: not acted on');
      return;
    }
    try {
      if (await ownNumber.onInbound(m)) {
        // Consumed by cellgate itself (an own-number reply or discovery text): not forwarded.
        store.cancelDeliveries(m.id, 'consumed by cellgate (own-number discovery), not forwarded');
        return;
      }
    } catch (e) {
      log.error({ err: e }, 'inbound hook failed');
    }
    smsc?.notify();
    forwarders.notify();
  };

  const attach = (line: Line): void => {
    if (receivers.has(line)) return;
    const r = new SmsReceiver({
      line,
      store,
      fanout: (m) => {
        const c = cfg();
        return buildFanout(c.sms.forward, { smppAccounts: c.smpp.enabled ? c.smpp.accounts : [] })(m);
      },
      log: log.child({ component: 'sms-receiver', line: line.id }),
      partTimeoutMs: sms().partTimeoutSec * 1000,
      screen: (incoming) => screenCommand(incoming, sms().commands),
      onStored: (m, command) => void onStored(m, command),
      onStatusReport: () => {
        smsc?.notify();
        waiters.settleAll();
      },
      onIdle: () => scheduler.wake(),
    });
    receivers.set(line, r);
    r.start();
    ussd.attach(line);
    ownNumber.attach(line);
  };

  const startSmsc = async (): Promise<void> => {
    const s = cfg().smpp;
    if (!s.enabled) return;
    const tls = s.tls ? { key: fs.readFileSync(s.tls.keyFile), cert: fs.readFileSync(s.tls.certFile) } : undefined;
    // The SMSC (and the smpp library) is loaded only when it is enabled.
    const { SmscServer } = await import('../smpp/server.js');
    const server = new SmscServer({
      backend,
      log: log.child({ component: 'smsc' }),
      host: s.host,
      port: o.smppPort ?? s.port,
      ...(tls ? { tls } : {}),
      windowSize: s.windowSize,
      responseTimeoutMs: s.responseTimeoutSec * 1000,
      enquireLinkIntervalMs: s.enquireLinkSec * 1000,
      maxSubmitsPerSecond: () => cfg().smpp.maxSubmitsPerSecond || undefined,
      pollIntervalMs: 5000,
    });
    smsc = server;
    // The daemon logs the listener with its address (src/app.ts).
    try {
      smscPort = (await server.listen()).port;
    } finally {
      // From now on ESMEs can resubmit; the held copies are released when the window ends (even
      // when the listener failed, so that nothing stays held).
      resubmits.startWindow();
    }
  };

  let purgeTimer: NodeJS.Timeout | null = null;
  const purge = (): void => {
    try {
      const r = store.purge(sms().retention);
      if (r.inbox || r.outbox || r.deliveries) log.info(r, 'retention: old messages deleted');
    } catch (e) {
      log.error({ err: e }, 'retention purge failed');
    }
  };

  const services: SmsServices = {
    forwarders: pipelineService('SMS forwarding', () => forwarders.start(), () => forwarders.stop()),
    smsc: pipelineService('SMPP SMSC', startSmsc, () => {
      resubmits.stop();
      return smsc?.close();
    }),
    scheduler: pipelineService('SMS scheduler', () => scheduler.start(), () => scheduler.stop()),
    receivers: service(
      'SMS receivers',
      () => undefined,
      async () => {
        await Promise.allSettled([...receivers.values()].map((r) => r.stop()));
      },
    ),
    ussd: service('USSD', () => undefined, () => ussd.close()),
    ownNumber: service('own-number discovery', () => undefined, () => ownNumber.close()),
    router: pipelineService('SMS router', () => router.start(), () => router.stop()),
    retention: pipelineService(
      'SMS retention',
      () => {
        purgeTimer = setInterval(purge, 3600_000);
        purgeTimer.unref();
        purge();
      },
      () => {
        if (purgeTimer) clearInterval(purgeTimer);
      },
    ),
  };

  return {
    store,
    router,
    scheduler,
    backend,
    ussd,
    ownNumber,
    events,
    get smsc() {
      return smsc;
    },
    get smscPort() {
      return smscPort;
    },
    services,
    attach,
    numberOf,
    waitOutcome: (id, ms) => waiters.wait(id, ms),
    smppSessions: () => smsc?.sessions() ?? [],
    close: () => store.close(),
  };
}
