/**
 * The NAT keep-alive of the daemon (src/sip/registration/nat-keep-alive.ts): pings the next hop of
 * every registered account as `sip.keepAlive` says (CRLF or OPTIONS, every `intervalSec`).
 */
import type { ConfigStore } from '../config/load.js';
import { createRequest } from '../sip/message/index.js';
import { resolveHost } from '../sip/registration/endpoint-register-sender.js';
import { NatKeepAlive } from '../sip/registration/nat-keep-alive.js';
import type { RegistrationManager } from '../sip/registration/registration-manager.js';
import { service, type Service } from '../system/service.js';
import type { Logger } from '../util/log.js';
import type { SipParts } from './sip.js';

export function wireSipKeepAlive(o: { sip: SipParts; manager: Pick<RegistrationManager, 'keepAliveTargets'>; config: ConfigStore; version: string; log: Logger }): Service {
  const { sip } = o;
  const keepAlive = new NatKeepAlive({
    targets: () => o.manager.keepAliveTargets(),
    settings: () => o.config.get().sip.keepAlive,
    sendBytes: (target, bytes) => sip.sendBytes(target, bytes),
    sendOptions: (target) => {
      const host = target.ip.includes(':') ? `[${target.ip}]` : target.ip;
      const request = createRequest({
        method: 'OPTIONS',
        uri: `sip:${host}:${target.port}`,
        via: { transport: target.kind.toUpperCase(), host: sip.publicHost, port: target.kind === 'tls' ? (sip.ports.tls ?? sip.ports.udp) : sip.ports.udp },
        from: { uri: `sip:cellgate@${sip.publicHost}` },
        to: { uri: `sip:${host}:${target.port}` },
        cseq: 1,
        version: o.version,
      });
      return sip.endpoint.sendRequest(request, target);
    },
    resolve: resolveHost,
    log: o.log,
  });
  return service('SIP NAT keep-alive', () => keepAlive.start(), () => keepAlive.stop());
}
