/**
 * The delivery workers of received SMS, one per kind of forward (docs/architecture.md, flow 4): as an
 * SMS, as a signed webhook, by e-mail when the mail section is set, as a SIP MESSAGE when the SIP side
 * gave `sendSipMessage` (without it 'sip' jobs stay pending, nothing is dropped).
 */
import type { Config } from '../config/schema.js';
import type { MessageStore } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import { DeliveryWorker } from './delivery-worker.js';
import { webhookRuleFor } from './fanout.js';
import type { MailForwarder } from './forwarders/email.js';
import { createSipForwarder } from './forwarders/sip.js';
import { createSmsForwarder } from './forwarders/sms-forward.js';
import { createWebhookForwarder } from './forwarders/webhook.js';
import type { SmsRouter } from './sms-router.js';

export interface ForwardWorkersOptions {
  store: MessageStore;
  router: SmsRouter;
  config: () => Config;
  /** The own numbers of the lines (an SMS is not forwarded to the gateway itself). */
  ownNumbers: () => string[];
  version: string;
  log: Logger;
  /** Sends a received SMS as a SIP MESSAGE (src/sip/sms-bridge); absent: no 'sip' worker runs. */
  sendSipMessage?: (target: string, body: string) => Promise<void>;
}

export class ForwardWorkers {
  private readonly workers: DeliveryWorker[] = [];
  private mail: MailForwarder | null = null;
  private readonly log: Logger;

  constructor(private readonly o: ForwardWorkersOptions) {
    this.log = o.log.child({ component: 'forward' });
  }

  async start(): Promise<void> {
    const cfg = this.o.config();
    const store = this.o.store;
    const getInbound = (ref: string) => store.getInbound(ref);
    const retry = cfg.sms.forwardRetry;
    const log = this.log;
    const add = (kind: string, handler: ConstructorParameters<typeof DeliveryWorker>[0]['handler'], permanent?: (e: unknown) => boolean) => {
      const w = new DeliveryWorker({ kind, store, handler, retry, log, ...(permanent ? { permanent } : {}) });
      this.workers.push(w);
      w.start();
    };
    add(
      'sms-forward',
      createSmsForwarder({
        getInbound,
        submit: async (req) => (await this.o.router.submit({ id: req.id, origin: 'forward', recipient: req.recipient, text: req.text })).id,
        outboundExists: (id) => store.getOutbound(id) !== undefined,
        ownNumbers: this.o.ownNumbers,
        log,
      }),
    );
    add(
      'webhook',
      createWebhookForwarder({
        getInbound,
        lookup: (url) => webhookRuleFor(this.o.config().sms.forward, url),
        version: this.o.version,
        log,
      }),
    );
    const sendSipMessage = this.o.sendSipMessage;
    if (sendSipMessage) add('sip', createSipForwarder({ getInbound, sendMessage: sendSipMessage, log }));
    if (cfg.mail) {
      try {
        // nodemailer is loaded only when e-mail forwarding is configured (memory of small gateways).
        const { createMailForwarder } = await import('./forwarders/email.js');
        this.mail = createMailForwarder(cfg.mail, log, { getInbound });
        add('email', this.mail.handler);
      } catch (e) {
        this.o.log.error({ err: e }, 'e-mail forwarding is off: the mail section is not usable; forwards wait');
      }
    }
  }

  /** New jobs may be due (a received SMS was stored). */
  notify(): void {
    for (const w of this.workers) w.notify();
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    this.mail?.close();
  }
}
