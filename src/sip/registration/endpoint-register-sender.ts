/**
 * The registration client's `send` over the SIP endpoint: each REGISTER in its own non-INVITE client
 * transaction (RFC 3261 §17.1.2) toward the next hop. A host name is looked up first (RFC 3263's
 * NAPTR/SRV steps are not taken: the manual's servers are addresses or plain names with a port).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipRequest } from '../message/index.js';
import type { SipRequestEvents, SipRequestOutcome } from '../core/index.js';
import type { SipTarget } from '../transport/index.js';
import type { RegisterResult, SendRegister, SipServerAddress } from './registration-options.js';

/** The part of SipEndpoint this needs. */
export interface RequestSender {
  sendRequest(request: SipRequest, target: SipTarget, events?: SipRequestEvents): Promise<SipRequestOutcome>;
}

/** Host name → IP address; an IP address stays as it is. */
export type HostResolver = (host: string) => Promise<string>;

export const resolveHost: HostResolver = async (host) => {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return bare;
  return (await lookup(bare)).address;
};

export function endpointRegisterSender(endpoint: RequestSender, resolve: HostResolver = resolveHost): SendRegister {
  return async (request: SipRequest, nextHop: SipServerAddress, onProvisional): Promise<RegisterResult> => {
    let ip: string;
    try {
      ip = await resolve(nextHop.host);
    } catch (error) {
      // §8.1.3.1: a next hop that cannot be reached is a transport error (503 for the status).
      return { kind: 'transport-error', detail: `cannot resolve ${nextHop.host}: ${error instanceof Error ? error.message : String(error)}` };
    }
    const outcome = await endpoint.sendRequest(request, { ip, port: nextHop.port, kind: nextHop.transport }, onProvisional ? { onProvisional } : {});
    if (outcome.kind === 'transport-error') return { kind: 'transport-error', detail: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) };
    return outcome;
  };
}
