/**
 * The bridge on a real message store and SMS router (temporary directory), with the pipeline's events
 * as a plain emitter the test drives, and helpers that play the scheduler's part (sent, failed).
 */
import { EventEmitter } from 'node:events';
import type { TestContext } from 'node:test';
import type { SmsEvents } from '../../../src/events.js';
import { SmsRouter, type SubmitRequest } from '../../../src/sms/sms-router.js';
import { MessageStore, type OutboundMessage } from '../../../src/store/message-store.js';
import { silentLogger } from '../../../src/util/log.js';
import { createSipSmsBridge, type SipSmsBridge, type SipSmsBridgeOptions } from '../../../src/sip/sms-bridge/index.js';
import type { MessageEndpoint } from '../../../src/sip/sms-bridge/index.js';
import type { SmsConfig } from '../../../src/config/schema-messaging.js';
import { smsConfig } from '../../helpers/sms-config.js';
import { tempDir } from '../../store/temp-dir.js';

export interface BridgeRig {
  readonly store: MessageStore;
  readonly router: SmsRouter;
  readonly events: EventEmitter<SmsEvents>;
  readonly bridge: SipSmsBridge;
  readonly sms: SmsConfig;
  /** What the test changes of sip.message. */
  readonly message: { destination: 'body' | 'to'; relayReport: boolean };
  /** Plays the scheduler: the SMS went out on line 1. */
  markSent(id: string): void;
  /** Plays the scheduler: the modem refused it for good. */
  markFailed(id: string, reason: string): void;
}

export interface RigOptions {
  readonly endpoint: MessageEndpoint;
  readonly localPort: number;
  readonly dir?: string;
  readonly sms?: Partial<SmsConfig>;
  readonly submit?: (request: SubmitRequest, router: SmsRouter) => Promise<OutboundMessage>;
  readonly extra?: Partial<SipSmsBridgeOptions>;
}

export function startRig(t: TestContext, o: RigOptions): BridgeRig {
  const store = MessageStore.open(o.dir ?? tempDir(t));
  const sms = smsConfig(o.sms ?? {});
  const router = new SmsRouter({ store, config: () => sms, linePrefixes: () => [], onQueued: () => undefined, log: silentLogger() });
  const events = new EventEmitter<SmsEvents>();
  const message = { destination: 'body' as 'body' | 'to', relayReport: true };
  const bridge = createSipSmsBridge({
    endpoint: o.endpoint,
    version: 'test',
    localVia: () => ({ host: '127.0.0.1', port: o.localPort }),
    config: () => message,
    admit: () => ({ allowed: true, who: 'demo' }),
    sms: { submit: (request) => (o.submit ? o.submit(request, router) : router.submit(request)), store, events },
    reportRetry: { retryBaseSec: 1, retryMaxSec: 2, giveUpHours: 0.01 },
    log: silentLogger(),
    ...o.extra,
  });
  bridge.start();
  t.after(async () => {
    await bridge.stop();
    store.close();
  });
  return {
    store,
    router,
    events,
    bridge,
    sms,
    message,
    markSent(id) {
      store.markSending(id, '1', 'A', null);
      store.markSent(id, '1', [7]);
      events.emit('sms-sent', { id });
    },
    markFailed(id, reason) {
      store.markSending(id, '1', 'A', null);
      store.finish(id, 'failed', reason, ['sending']);
      events.emit('sms-final', { id, state: 'failed' });
    },
  };
}
