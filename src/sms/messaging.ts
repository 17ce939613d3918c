/**
 * The daemon's messaging: one object that builds and runs the parts of the SMS/USSD pipeline and
 * connects them (docs/architecture.md, flows 3 and 4):
 *
 *   submit (API, SMPP, forwards, commands) → SmsRouter → MessageStore (durable) → SmsScheduler → Line
 *   Line (+CMTI/+CDSI) → SmsReceiver → MessageStore (+ fan-out jobs) → delete from the modem
 *   fan-out jobs → DeliveryWorker per kind (e-mail, webhook, SMS forward, SIP) / SMPP deliver_sm
 *   outbound final status → receipts (SMPP deliver_sm)
 */
import fs from 'node:fs';
import type { ConfigStore } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Line } from '../line/line.js';
import { MessageStore, type InboundMessage, type OutboundMessage } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import type { SmscServer } from '../smpp/server.js';
import { SmsCommandHandler } from './command-handler.js';
import { screenCommand, type InfoAddresses, type SmsCommand } from './commands.js';
import type { SmsConfig } from '../config/schema-messaging.js';
import { DeliveryWorker } from './delivery-worker.js';
import { buildFanout, webhookRuleFor } from './fanout.js';
import type { MailForwarder } from './forwarders/email.js';
import { createSmsForwarder } from './forwarders/sms-forward.js';
import { createWebhookForwarder } from './forwarders/webhook.js';
import { SmsReceiver } from './receiver.js';
import { SmsScheduler } from './scheduler.js';
import { SmppBackend } from './smpp-backend.js';
import { SmsRouter } from './sms-router.js';
import { OwnNumberDiscovery } from './own-number.js';
import { UssdService } from '../ussd/ussd-service.js';

export interface MessagingOptions {
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
}

export class Messaging {
  readonly store: MessageStore;
  readonly router: SmsRouter;
  readonly scheduler: SmsScheduler;
  readonly backend: SmppBackend;
  readonly ussd: UssdService;
  readonly ownNumber: OwnNumberDiscovery;
  smsc: SmscServer | null = null;
  smscPort: number | null = null;
  private readonly receivers = new Map<Line, SmsReceiver>();
  private readonly workers: DeliveryWorker[] = [];
  private mail: MailForwarder | null = null;
  private readonly commands: SmsCommandHandler;
  private purgeTimer: NodeJS.Timeout | null = null;
  private readonly inboundHooks: Array<(m: InboundMessage) => boolean | Promise<boolean>> = [];
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly log: Logger;

  constructor(private readonly o: MessagingOptions) {
    this.log = o.log;
    const cfg = () => o.config.get();
    const sms = (): SmsConfig => cfg().sms;
    this.store = MessageStore.open(o.dataDir, { onFinal: (m) => this.backend.receiptsFor(m) });
    this.router = new SmsRouter({
      store: this.store,
      config: sms,
      linePrefixes: () => cfg().lines.map((l) => ({ line: l.id!, prefixes: l.prefixes ?? '' })),
      onQueued: () => this.scheduler.wake(),
      log: o.log.child({ component: 'sms-router' }),
    });
    this.scheduler = new SmsScheduler({
      store: this.store,
      lines: o.lines,
      ...(o.maySendSms ? { maySend: o.maySendSms } : {}),
      config: sms,
      log: o.log.child({ component: 'sms-scheduler' }),
      receiving: (lineId) => this.receiving(lineId),
    });
    this.scheduler.on('final', () => this.smsc?.notify());
    this.scheduler.on('sent', (id: string) => this.settle(id));
    this.scheduler.on('final', () => this.settleAll());
    this.backend = new SmppBackend({
      store: this.store,
      router: this.router,
      config: () => cfg().smpp,
      lineNumber: (line) => this.numberOf(line),
      log: o.log.child({ component: 'smpp' }),
    });
    this.ussd = new UssdService({
      getLine: (id) => o.lines().find((l) => l.id === id),
      config: cfg().ussd,
      log: o.log.child({ component: 'ussd' }),
    });
    this.ownNumber = new OwnNumberDiscovery({
      config: cfg().ownNumber,
      store: this.store,
      lines: o.lines,
      ussd: this.ussd,
      sendSms: async (lineId, to, text) => (await this.router.submit({ origin: 'discovery', recipient: to, text, lines: [lineId] })).id,
      log: o.log.child({ component: 'own-number' }),
    });
    this.onInbound((m) => this.ownNumber.onInbound(m));
    this.commands = new SmsCommandHandler({
      config: sms,
      verifyAdminPassword: o.verifyAdminPassword,
      reply: (line, to, text) => this.router.submit({ origin: 'command', recipient: to, text, lines: [line] }),
      addresses: o.addresses,
      device: o.device,
      reboot: o.reboot,
      reset: async (reason) => {
        this.log.warn({ reason }, 'restoring the default configuration');
        await o.config.update((doc) => {
          const d = doc as Record<string, unknown>;
          for (const k of Object.keys(d)) if (k !== 'http') delete d[k];
        });
      },
      log: o.log.child({ component: 'sms-commands' }),
    });
  }

  /** Runs something on every stored inbound message before forwarding; true = consumed (own-number discovery). */
  onInbound(hook: (m: InboundMessage) => boolean | Promise<boolean>): void {
    this.inboundHooks.push(hook);
  }

  async start(): Promise<void> {
    const cfg = this.o.config.get();
    this.scheduler.start();
    this.router.start();
    await this.startWorkers(cfg);
    if (cfg.smpp.enabled) await this.startSmsc(cfg);
    this.purgeTimer = setInterval(() => this.purge(), 3600_000);
    this.purgeTimer.unref();
    this.purge();
  }

  /** Attaches a line (called for every line the line manager creates). */
  attach(line: Line): void {
    if (this.receivers.has(line)) return;
    const r = new SmsReceiver({
      line,
      store: this.store,
      fanout: (m) => this.fanout(m),
      log: this.log.child({ component: 'sms-receiver', line: line.id }),
      partTimeoutMs: this.o.config.get().sms.partTimeoutSec * 1000,
      screen: (sms) => screenCommand(sms, this.o.config.get().sms.commands),
      onStored: (m, command) => void this.onStored(m, command),
      onStatusReport: () => {
        this.smsc?.notify();
        this.settleAll();
      },
      onIdle: () => this.scheduler.wake(),
    });
    this.receivers.set(line, r);
    r.start();
    this.ussd.attach(line);
    this.ownNumber.attach(line);
  }

  /** Whether the line's receiver is reading something off the modem (the scheduler lets it finish first). */
  private receiving(lineId: number): boolean {
    for (const [line, r] of this.receivers) if (line.id === lineId) return r.busy();
    return false;
  }

  /** A line's own number: the SIM's (+CNUM) or the one learned for its ICCID (§5.11). */
  numberOf(lineId: number): string | null {
    const line = this.o.lines().find((l) => l.id === lineId);
    if (!line) return null;
    return line.status().sim.number ?? this.ownNumber.status(lineId).number ?? null;
  }

  /** Resolves when the message left queued/sending, or after `ms`. */
  waitOutcome(id: string, ms: number): Promise<void> {
    const m = this.store.getOutbound(id);
    if (m && m.status !== 'queued' && m.status !== 'sending') return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = () => {
        clearTimeout(t);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref(); // a caller waiting must not keep a stopping daemon alive
      set.add(done);
    });
  }

  smppSessions(): unknown[] {
    return this.smsc?.sessions() ?? [];
  }

  stats() {
    return {
      ...this.store.counts(),
      scheduler: this.scheduler.stats,
      lines: this.scheduler.lineStats(),
      workers: this.workers.map((w) => w.stats()),
      smpp: this.smsc ? this.smsc.stats() : null,
      receivers: Object.fromEntries([...this.receivers].map(([l, r]) => [String(l.id), r.stats()])),
    };
  }

  async stop(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.router.stop();
    this.ownNumber.close();
    this.ussd.close();
    await Promise.allSettled([...this.receivers.values()].map((r) => r.stop()));
    await this.scheduler.stop();
    await this.smsc?.close();
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    this.mail?.close();
    this.store.close();
  }

  // ---------------------------------------------------------------------------------------------

  private fanout(m: InboundMessage) {
    const cfg = this.o.config.get();
    return buildFanout(cfg.sms.forward, { smppAccounts: cfg.smpp.enabled ? cfg.smpp.accounts : [] })(m);
  }

  private async onStored(m: InboundMessage, command?: SmsCommand): Promise<void> {
    if (m.command) {
      // An SMS command: stored masked and without forwards; acted on from the copy in memory.
      if (command) void this.commands.handle(m, command);
      else this.log.warn({ id: m.id, command: m.command }, 'SMS command stored without its text in memory: not acted on');
      return;
    }
    for (const h of this.inboundHooks) {
      try {
        if (await h(m)) {
          // Consumed by cellgate itself (an own-number reply or discovery text): not forwarded.
          this.store.cancelDeliveries(m.id, 'consumed by cellgate (own-number discovery), not forwarded');
          return;
        }
      } catch (e) {
        this.log.error({ err: e }, 'inbound hook failed');
      }
    }
    this.smsc?.notify();
    for (const w of this.workers) w.notify();
  }

  private async startWorkers(cfg: Config): Promise<void> {
    const sms = cfg.sms;
    const getInbound = (ref: string) => this.store.getInbound(ref);
    const retry = sms.forwardRetry;
    const log = this.log.child({ component: 'forward' });
    const add = (kind: string, handler: ConstructorParameters<typeof DeliveryWorker>[0]['handler'], permanent?: (e: unknown) => boolean) => {
      const w = new DeliveryWorker({ kind, store: this.store, handler, retry, log, ...(permanent ? { permanent } : {}) });
      this.workers.push(w);
      w.start();
    };
    add(
      'sms-forward',
      createSmsForwarder({
        getInbound,
        submit: async (req) => (await this.router.submit({ id: req.id, origin: 'forward', recipient: req.recipient, text: req.text })).id,
        outboundExists: (id) => this.store.getOutbound(id) !== undefined,
        ownNumbers: () => this.o.lines().map((l) => this.numberOf(l.id)).filter((n): n is string => !!n),
        log,
      }),
    );
    add(
      'webhook',
      createWebhookForwarder({
        getInbound,
        lookup: (url) => webhookRuleFor(this.o.config.get().sms.forward, url),
        version: this.o.version,
        log,
      }),
    );
    if (cfg.mail) {
      try {
        // nodemailer is loaded only when e-mail forwarding is configured (memory of small gateways).
        const { createMailForwarder } = await import('./forwarders/email.js');
        this.mail = createMailForwarder(cfg.mail, log, { getInbound });
        add('email', this.mail.handler);
      } catch (e) {
        this.log.error({ err: e }, 'e-mail forwarding is off: the mail section is not usable; forwards wait');
      }
    }
    // 'sip' jobs wait until the SIP side exists (a later issue); they stay pending, nothing is dropped.
  }

  private async startSmsc(cfg: Config): Promise<void> {
    const s = cfg.smpp;
    const tls = s.tls ? { key: fs.readFileSync(s.tls.keyFile), cert: fs.readFileSync(s.tls.certFile) } : undefined;
    // The SMSC (and the smpp library) is loaded only when it is enabled.
    const { SmscServer } = await import('../smpp/server.js');
    this.smsc = new SmscServer({
      backend: this.backend,
      log: this.log.child({ component: 'smsc' }),
      host: s.host,
      port: this.o.smppPort ?? s.port,
      ...(tls ? { tls } : {}),
      windowSize: s.windowSize,
      responseTimeoutMs: s.responseTimeoutSec * 1000,
      enquireLinkIntervalMs: s.enquireLinkSec * 1000,
      maxSubmitsPerSecond: () => this.o.config.get().smpp.maxSubmitsPerSecond || undefined,
      pollIntervalMs: 5000,
    });
    const { port } = await this.smsc.listen();
    // The daemon logs the listener with its address (src/app.ts).
    this.smscPort = port;
  }

  private purge(): void {
    try {
      const r = this.store.purge(this.o.config.get().sms.retention);
      if (r.inbox || r.outbox || r.deliveries) this.log.info(r, 'retention: old messages deleted');
    } catch (e) {
      this.log.error({ err: e }, 'retention purge failed');
    }
  }

  private settle(id: string): void {
    const set = this.waiters.get(id);
    if (set) for (const f of [...set]) f();
  }

  private settleAll(): void {
    for (const id of [...this.waiters.keys()]) {
      const m: OutboundMessage | undefined = this.store.getOutbound(id);
      if (!m || (m.status !== 'queued' && m.status !== 'sending')) this.settle(id);
    }
  }
}
