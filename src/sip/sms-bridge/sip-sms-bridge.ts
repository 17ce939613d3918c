/**
 * The SIP MESSAGE ↔ SMS bridge (manual appendix F, §4.10): the MESSAGE handler (SIP → SMS), the relay
 * reports and their worker, and `sendMessage` for the 'sip' forward worker (SMS → SIP). Built from
 * options; the daemon registers `handler` for `method` on its endpoint and calls start/stop.
 */
import type { EventEmitter } from 'node:events';
import type { SmsEvents } from '../../events.js';
import { DeliveryWorker, type RetryPolicy } from '../../sms/delivery-worker.js';
import type { SubmitRequest } from '../../sms/sms-router.js';
import type { OutboundMessage } from '../../store/message-store.js';
import type { Logger } from '../../util/log.js';
import type { SipRequestHandler } from '../core/index.js';
import type { SipTransportKind } from '../transport/index.js';
import type { BridgeStore } from './bridge-store.js';
import { createForwardMessageSender } from './forward-message-sender.js';
import { createMessageHandler, type Admit } from './message-handler.js';
import type { ExtensionContact } from './message-target.js';
import { REPORT_KIND } from './relay-report-record.js';
import { createRelayReportHandler } from './relay-report-sender.js';
import { RelayReportTracker } from './relay-report-tracker.js';
import { TextMessageSender, type MessageEndpoint } from './text-message-sender.js';

export interface SipSmsBridgeOptions {
  readonly endpoint: MessageEndpoint;
  readonly version: string;
  /** Our Via host and port per transport. */
  readonly localVia: (kind: SipTransportKind) => { readonly host: string; readonly port?: number };
  /** The `sip.message` section. */
  readonly config: () => { readonly destination: 'body' | 'to'; readonly relayReport: boolean };
  readonly admit: Admit;
  /** The SMS pipeline (src/wiring/sms.ts): the router's submit, the message store and its events. */
  readonly sms: {
    readonly submit: (request: SubmitRequest) => Promise<OutboundMessage>;
    readonly store: BridgeStore;
    readonly events: Pick<EventEmitter<SmsEvents>, 'on' | 'off'>;
  };
  /** The embedded registrar's contacts (Registrar.contactsFor), for forwards to a bare extension. */
  readonly contactsFor?: (user: string) => readonly ExtensionContact[];
  /** `host[:port]` for a bare extension without a registered contact (the PBX we register to). */
  readonly defaultPeer?: () => string | undefined;
  /** The user part of From on forwarded SMS (the manual's registration ID); default `cellgate`. */
  readonly gatewayUser?: () => string;
  /** Back-off of relay reports; default 8 s doubling up to 2 min, given up after 15 min. */
  readonly reportRetry?: RetryPolicy;
  readonly log: Logger;
}

export interface SipSmsBridge {
  readonly method: 'MESSAGE';
  readonly handler: SipRequestHandler;
  /** For createSipForwarder: delivers a forwarded SMS as a MESSAGE (rejects as the worker expects). */
  sendMessage(target: string, body: string): Promise<void>;
  /** Settles reports of SMS that ended while stopped, then follows the pipeline's events. */
  start(): void;
  stop(): Promise<void>;
}

export const DEFAULT_REPORT_RETRY: RetryPolicy = { retryBaseSec: 8, retryMaxSec: 120, giveUpHours: 0.25 };

export function createSipSmsBridge(options: SipSmsBridgeOptions): SipSmsBridge {
  const log = options.log.child({ component: 'sip-sms' });
  const sender = new TextMessageSender({ endpoint: options.endpoint, version: options.version, localVia: options.localVia });
  const worker = new DeliveryWorker({ kind: REPORT_KIND, store: options.sms.store, handler: createRelayReportHandler(sender), retry: options.reportRetry ?? DEFAULT_REPORT_RETRY, log });
  const reports = new RelayReportTracker(options.sms.store, log, () => worker.notify());
  const handler = createMessageHandler({
    admit: options.admit,
    destination: () => options.config().destination,
    relayReport: () => options.config().relayReport,
    submit: options.sms.submit,
    store: options.sms.store,
    reports,
    log,
  });
  const sendMessage = createForwardMessageSender({
    sender,
    gatewayUser: options.gatewayUser ?? (() => 'cellgate'),
    ...(options.contactsFor !== undefined ? { contactsFor: options.contactsFor } : {}),
    ...(options.defaultPeer !== undefined ? { defaultPeer: options.defaultPeer } : {}),
  });
  const onOutcome = (sms: { id: string }): void => reports.settle(sms.id);
  let started = false;
  return {
    method: 'MESSAGE',
    handler,
    sendMessage,
    start() {
      if (started) return;
      started = true;
      options.sms.events.on('sms-sent', onOutcome);
      options.sms.events.on('sms-final', onOutcome);
      reports.sweep();
      worker.start();
    },
    async stop() {
      if (!started) return;
      started = false;
      options.sms.events.off('sms-sent', onOutcome);
      options.sms.events.off('sms-final', onOutcome);
      await worker.stop();
    },
  };
}
