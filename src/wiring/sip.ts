/**
 * The SIP endpoint of the daemon (docs/sip.md): UDP and TCP on `sip.port` (or `--sip-port`), TLS on
 * `sip.tls.port` when a certificate is configured, one SipEndpoint over them with the configured
 * timers and per-source rate limit, and the inbound access check (who may call and send SMS).
 *
 * Demo mode: with simulated modems and nothing configured under `sip`, the loopback trunk admits
 * INVITE and MESSAGE from 127.0.0.1 without authentication and MESSAGE takes its destination from
 * the To header, so a newcomer can call a simulated number with any softphone or SIPp at once.
 */
import os from 'node:os';
import { isIPv6 } from 'node:net';
import type { Config } from '../config/schema.js';
import type { SipConfig } from '../config/schema-sip.js';
import type { StoredDigestSecret } from '../sip/auth/index.js';
import { InboundAccess } from '../sip/access/inbound-access.js';
import { SipEndpoint } from '../sip/core/index.js';
import { SipTransportSet, TcpTransport, TlsTransport, UdpTransport, type SipTarget, type SipTransport } from '../sip/transport/index.js';
import type { Logger } from '../util/log.js';

export interface SipWiringOptions {
  config: () => Config;
  /** `--sip-port`: UDP and TCP port instead of sip.port (0: any free port). */
  port?: number;
  /** Simulated modems run (demo mode is possible). */
  simulated: boolean;
  version: string;
  log: Logger;
}

export interface SipParts {
  readonly endpoint: SipEndpoint;
  readonly access: InboundAccess;
  /** The `sip` section with demo mode's overrides applied; read at each use. */
  readonly config: () => SipConfig;
  /** Demo mode's loopback trunk is open. */
  readonly demo: boolean;
  /** Bound ports. */
  readonly ports: { readonly udp: number; readonly tcp: number; readonly tls: number | null };
  /** The host we put in Via and Contact. */
  readonly publicHost: string;
  readonly listenHost: string;
  /** Raw bytes to a peer through the transports (keep-alive pings). */
  sendBytes(target: SipTarget, bytes: Uint8Array): Promise<void>;
  /** Lets the registrar's extensions authenticate calls and MESSAGEs: the lookup while it runs, else undefined. */
  setExtensionSecrets(lookup: () => ((user: string) => StoredDigestSecret | undefined) | undefined): void;
  close(): Promise<void>;
}

/** Nothing under `sip` says who may use the gateway: demo mode may open its loopback trunk. */
export function sipUnconfigured(sip: SipConfig): boolean {
  return (
    sip.trunk.peers.length === 0 &&
    sip.registration.mode === 'none' &&
    sip.inbound.users.length === 0 &&
    !sip.registrar.enabled &&
    sip.inbound.auth === 'address'
  );
}

/** The address peers reach us at: the configured one, the listen host, or the first external IPv4 address. */
function publicHostOf(sip: SipConfig): string {
  if (sip.publicHost !== null) return sip.publicHost;
  if (sip.host !== '0.0.0.0' && sip.host !== '::') return sip.host;
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  return external?.address ?? '127.0.0.1';
}

function listenError(host: string, port: number, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  return new Error(`SIP cannot listen on ${uriHost(host)}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (choose another with sip.port or --sip-port)' : err.message}`);
}

/**
 * UDP and TCP on one port (RFC 3261 §18: a UAS listens on both). With port 0 UDP picks a free port and
 * TCP takes the same; another program may hold that TCP port, so a few fresh tries are made.
 */
export async function listenUdpAndTcp(host: string, port: number, make: () => { udp: UdpTransport; tcp: TcpTransport }): Promise<{ udp: UdpTransport; tcp: TcpTransport }> {
  for (let attempt = 1; ; attempt++) {
    const pair = make();
    try {
      const udpPort = (await pair.udp.listen(host, port)).port;
      await pair.tcp.listen(host, udpPort);
      return pair;
    } catch (e) {
      await Promise.all([pair.udp.close(), pair.tcp.close()]).catch(() => undefined);
      if (port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 8) throw e;
    }
  }
}

function uriHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

export async function wireSip(o: SipWiringOptions): Promise<SipParts | null> {
  const base = o.config().sip;
  if (!base.enabled) return null;
  const demo = o.simulated && base.demoTrunk === 'auto' && sipUnconfigured(base);
  const effective = (): SipConfig => {
    const sip = o.config().sip;
    return demo ? { ...sip, message: { ...sip.message, destination: 'to' } } : sip;
  };
  const log = o.log.child({ component: 'sip' });
  const transportLog = log.child({ component: 'sip-transport' });
  const host = base.host;
  const wanted = o.port ?? base.port;
  let bound: { udp: UdpTransport; tcp: TcpTransport };
  try {
    bound = await listenUdpAndTcp(host, wanted, () => ({ udp: new UdpTransport({ version: o.version, log: transportLog }), tcp: new TcpTransport({ version: o.version, log: transportLog }) }));
  } catch (e) {
    throw listenError(host, wanted, e);
  }
  const { udp, tcp } = bound;
  const list: SipTransport[] = [udp, tcp];
  const tls = base.tls === null ? null : new TlsTransport({ version: o.version, log: transportLog, key: base.tls.keyFile, cert: base.tls.certFile });
  if (tls) list.push(tls);
  const transports = new SipTransportSet(list, { replyPath: base.replyPath });
  const closeAll = () => transports.close().catch(() => undefined);
  let ports: SipParts['ports'];
  try {
    const tlsPort = tls && base.tls ? (await tls.listen(host, base.tls.port)).port : null;
    ports = { udp: udp.localAddress!.port, tcp: tcp.localAddress!.port, tls: tlsPort };
  } catch (e) {
    await closeAll();
    throw listenError(host, base.tls?.port ?? 0, e);
  }
  const publicHost = publicHostOf(base);
  let extensionSecret: () => ((user: string) => StoredDigestSecret | undefined) | undefined = () => undefined;
  const access = new InboundAccess({
    config: effective,
    demoLoopback: demo,
    extensionSecret: () => extensionSecret(),
    log,
  });
  let endpoint: SipEndpoint;
  try {
    endpoint = new SipEndpoint({
      transports,
      log,
      local: { version: o.version, via: { transport: 'UDP', host: publicHost, port: ports.udp }, contact: `<sip:cellgate@${uriHost(publicHost)}:${ports.udp}>` },
      timers: { t1Ms: base.timers.t1Ms, t2Ms: base.timers.t2Ms, t4Ms: base.timers.t4Ms },
      rateLimit: { ratePerSecond: base.rateLimit.perSecond, burst: base.rateLimit.burst },
    });
  } catch (e) {
    await closeAll();
    throw e;
  }
  if (base.inbound.auth === 'none' && !demo) log.warn('sip.inbound.auth is "none": anyone who reaches the SIP port can place calls and send SMS through the gateway');
  return {
    endpoint,
    access,
    config: effective,
    demo,
    ports,
    publicHost,
    listenHost: host,
    setExtensionSecrets: (lookup) => void (extensionSecret = lookup),
    sendBytes: (target, bytes) => transports.send(target, bytes),
    close: () => endpoint.close(),
  };
}
