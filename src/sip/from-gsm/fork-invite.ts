/**
 * The INVITE of one fork branch (RFC 3261 §8.1.1, §13.2.1): a new call (own Call-ID, From tag and
 * branch), the caller identity of caller-id.ts, our Contact, and the SDP offer every branch shares
 * (one media session per GSM call: whichever branch answers gets it). Pure.
 */
import { createRequest, type SipRequest } from '../message/index.js';
import type { CallerIdentity } from './caller-id.js';
import type { PlannedBranch } from './fork-targets.js';

export interface LocalContact {
  /** The host put in Via and Contact. */
  readonly host: string;
  readonly port: number;
}

export interface ForkInviteSpec {
  readonly branch: PlannedBranch;
  readonly identity: CallerIdentity;
  readonly local: LocalContact;
  readonly sdp: string;
  readonly version: string;
}

export function buildForkInvite(spec: ForkInviteSpec): SipRequest {
  const kind = spec.branch.target.kind;
  const transportParam = kind === 'udp' ? '' : `;transport=${kind}`;
  const contactUser = spec.identity.user;
  return createRequest({
    method: 'INVITE',
    uri: spec.branch.requestUri,
    via: { transport: kind.toUpperCase(), host: spec.local.host, port: spec.local.port },
    from: spec.identity.from,
    to: { uri: spec.branch.requestUri.replace(/;.*$/, '') },
    cseq: 1,
    contact: `<sip:${contactUser}@${spec.local.host}:${spec.local.port}${transportParam}>`,
    version: spec.version,
    headers: [...spec.identity.headers, ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']],
    contentType: 'application/sdp',
    body: spec.sdp,
  });
}
