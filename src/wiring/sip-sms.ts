/**
 * Wires the SIP MESSAGE ↔ SMS bridge (src/sip/sms-bridge) to the daemon's SIP endpoint and SMS
 * pipeline: maps `sip.message` and the registration account, registers the MESSAGE handler. The
 * caller starts and stops the returned bridge with its other services and hands `sendMessage` to the
 * SMS wiring (`sendSipMessage`) so that received SMS are forwarded as MESSAGE.
 */
import type { ConfigStore } from '../config/load.js';
import type { SipEndpoint } from '../sip/core/index.js';
import type { Registrar } from '../sip/registrar/index.js';
import { createSipSmsBridge, type Admit, type SipSmsBridge } from '../sip/sms-bridge/index.js';
import type { SipTransportKind } from '../sip/transport/index.js';
import type { Logger } from '../util/log.js';
import type { SmsParts } from './sms.js';

export interface SipSmsWiringOptions {
  readonly config: ConfigStore;
  readonly endpoint: SipEndpoint;
  readonly sms: Pick<SmsParts, 'router' | 'store' | 'events'>;
  readonly admit: Admit;
  readonly localVia: (kind: SipTransportKind) => { readonly host: string; readonly port?: number };
  readonly registrar?: Registrar;
  readonly version: string;
  readonly log: Logger;
}

export function wireSipSms(o: SipSmsWiringOptions): SipSmsBridge {
  const sip = () => o.config.get().sip;
  // The account the gateway registers with in "device" mode: its registrar is where a bare extension
  // lives (the manual's `101` at the PBX), its authId is the gateway's ID in From (`goip-01`).
  const account = () => (sip().registration.mode === 'device' ? sip().registration.account : undefined);
  const registrar = o.registrar;
  const bridge = createSipSmsBridge({
    endpoint: o.endpoint,
    version: o.version,
    localVia: o.localVia,
    config: () => sip().message,
    admit: o.admit,
    sms: { submit: (request) => o.sms.router.submit(request), store: o.sms.store, events: o.sms.events },
    ...(registrar !== undefined ? { contactsFor: (user: string) => registrar.contactsFor(user) } : {}),
    defaultPeer: () => account()?.registrar,
    gatewayUser: () => account()?.authId ?? 'cellgate',
    log: o.log,
  });
  o.endpoint.handle(bridge.method, bridge.handler);
  return bridge;
}
