/**
 * Where an incoming GSM call on a line goes on the SIP side (manual §4.4 proxy mode, §4.7 转移号码),
 * in this order:
 *   1. the embedded registrar is on and one of its groups lists the line: every registered contact of
 *      that group (forking); when none is registered, step 2 still gets its chance;
 *   2. the line's `sip.forward.lines[N]`, else `sip.forward.default` (forward-rules.ts): an extension of
 *      the embedded registrar rings its contacts; another bare extension goes to
 *      `ext@<registrar of the account carrying the line>` through that account's outbound proxy; a
 *      URI goes directly;
 *   3. nothing: no plan (the call rings and is rejected, as without SIP).
 * Pure; never throws. Hosts must be IP addresses for now (no RFC 3263 DNS, as in the core).
 */
import { formatForwardTarget, forwardTargetFor, type ForwardTarget } from '../../routing/forward-rules.js';
import type { SipConfig } from '../../config/schema-sip.js';
import { nextHopTarget } from '../core/next-hop.js';
import type { RegisteredContact } from '../registrar/index.js';
import type { SipTarget } from '../transport/index.js';

export type ForwardTransport = 'udp' | 'tcp' | 'tls';

/** A host with an optional port, as `registrar` and `outboundProxy` are configured. */
export interface ForwardHost {
  readonly host: string;
  readonly port: number | null;
  readonly transport: ForwardTransport;
}

/** The PBX account that carries a line (its registration), for bare extensions. */
export interface ForwardAccount {
  readonly registrar: ForwardHost;
  readonly outboundProxy: ForwardHost | null;
  /** The domain of the Request-URI and From; the registrar host when absent. */
  readonly domain?: string;
  /** Our user at the PBX: the From user when the caller number goes in P-Asserted-Identity/Remote-Party-ID. */
  readonly user?: string;
}

export interface TargetLookups {
  contactsForGroup(group: string): readonly RegisteredContact[];
  contactsFor(user: string): readonly RegisteredContact[];
  accountFor(line: number): ForwardAccount | null;
}

export interface PlannedBranch {
  readonly label: string;
  readonly requestUri: string;
  readonly target: SipTarget;
  /** The host for From and identity headers when the branch goes to a PBX account; else our own host. */
  readonly domain: string | null;
  /** Our user at that PBX, when the branch goes through an account. */
  readonly accountUser: string | null;
}

export type TargetPlan =
  | { readonly kind: 'fork'; readonly peer: string; readonly branches: readonly PlannedBranch[] }
  /** Nothing is configured for this line (or the caller-prefix map has no entry for the caller). */
  | { readonly kind: 'none'; readonly why: string }
  /** Something is configured but cannot be reached now; `cause` says what. */
  | { readonly kind: 'unroutable'; readonly cause: string };

function hostPortUri(host: ForwardHost): string {
  const port = host.port === null ? '' : `:${host.port}`;
  return `sip:${host.host}${port};transport=${host.transport}`;
}

function contactBranches(contacts: readonly RegisteredContact[]): PlannedBranch[] {
  return contacts.map((contact) => ({
    label: `${contact.user} ${contact.contactUri}`,
    requestUri: contact.contactUri,
    // A phone is reached where its REGISTER came from (NAT), not at the address its Contact names.
    target: { ip: contact.source.ip, port: contact.source.port, kind: contact.source.transport },
    domain: null,
    accountUser: null,
  }));
}

function uriBranch(target: Extract<ForwardTarget, { kind: 'uri' }>): PlannedBranch | string {
  const uri = formatForwardTarget(target);
  const hop = nextHopTarget(uri);
  if (!hop.ok) return `${uri} cannot be reached (${hop.reason === 'host-not-an-ip' ? 'the host must be an IP address' : hop.reason})`;
  return { label: uri, requestUri: uri, target: hop.target, domain: null, accountUser: null };
}

function accountBranch(user: string, line: number, lookups: TargetLookups): PlannedBranch | string {
  const account = lookups.accountFor(line);
  if (account === null) return `extension ${user} is not a registrar extension and line ${line} has no SIP account to reach it through`;
  const domain = account.domain ?? account.registrar.host;
  const port = account.domain === undefined && account.registrar.port !== null ? `:${account.registrar.port}` : '';
  const requestUri = `sip:${user}@${domain}${port}`;
  const via = account.outboundProxy ?? account.registrar;
  const hop = nextHopTarget(hostPortUri(via));
  if (!hop.ok) return `${requestUri} cannot be reached through ${via.host} (${hop.reason === 'host-not-an-ip' ? 'the host must be an IP address' : hop.reason})`;
  return { label: requestUri, requestUri, target: hop.target, domain, accountUser: account.user ?? null };
}

/** The registrar extension with this full user part (prefix + number), when the registrar is on. */
export function isRegistrarExtension(config: SipConfig, user: string): boolean {
  return config.registrar.enabled && config.registrar.extensions.some((e) => `${e.prefix}${e.number}` === user);
}

export function planTargets(config: SipConfig, line: number, caller: string | null, lookups: TargetLookups): TargetPlan {
  let emptyGroup: string | null = null;
  if (config.registrar.enabled) {
    const group = config.registrar.groups.find((g) => g.lines.includes(line));
    if (group !== undefined) {
      const contacts = lookups.contactsForGroup(group.name);
      if (contacts.length > 0) return { kind: 'fork', peer: `group ${group.name}`, branches: contactBranches(contacts) };
      emptyGroup = group.name;
    }
  }
  const setting = config.forward.lines[String(line)] ?? config.forward.default;
  const noPhone = emptyGroup === null ? '' : `no phone of group ${emptyGroup} is registered; `;
  if (setting === null || setting === undefined) {
    return emptyGroup === null ? { kind: 'none', why: `no forward target for line ${line}` } : { kind: 'unroutable', cause: `${noPhone}no forward target for line ${line}` };
  }
  const picked = forwardTargetFor(setting, caller, { countryCode: config.forward.countryCode, trunkPrefix: config.forward.trunkPrefix });
  const where = config.forward.lines[String(line)] !== undefined ? `sip.forward.lines.${line}` : 'sip.forward.default';
  if (!picked.ok) return { kind: 'unroutable', cause: `${noPhone}${where}: ${picked.error}` };
  if (picked.target === null) {
    const why = `${where} has no entry for caller ${caller === null || caller === '' ? '(withheld)' : caller}`;
    return emptyGroup === null ? { kind: 'none', why } : { kind: 'unroutable', cause: `${noPhone}${why}` };
  }
  const target = picked.target;
  if (target.kind === 'uri') {
    const branch = uriBranch(target);
    return typeof branch === 'string' ? { kind: 'unroutable', cause: `${noPhone}${branch}` } : { kind: 'fork', peer: branch.label, branches: [branch] };
  }
  const plan = planUser(config, line, target.user, lookups, true);
  return plan.kind === 'unroutable' ? { kind: 'unroutable', cause: `${noPhone}${plan.cause}` } : plan;
}

/**
 * A bare user: a registrar extension rings its registered phones; another user goes to the PBX account
 * carrying the line when `viaAccount`, else it is unroutable. Never a host of the caller's choosing.
 */
export function planUser(config: SipConfig, line: number, user: string, lookups: TargetLookups, viaAccount: boolean): TargetPlan {
  if (isRegistrarExtension(config, user)) {
    const contacts = lookups.contactsFor(user);
    if (contacts.length === 0) return { kind: 'unroutable', cause: `extension ${user} has no registered phone` };
    return { kind: 'fork', peer: `extension ${user}`, branches: contactBranches(contacts) };
  }
  if (!viaAccount) return { kind: 'unroutable', cause: `${user} is not an extension of the embedded registrar` };
  const branch = accountBranch(user, line, lookups);
  return typeof branch === 'string' ? { kind: 'unroutable', cause: branch } : { kind: 'fork', peer: branch.label, branches: [branch] };
}

/** `pbx.example.com`, `192.168.1.10:5060` (the configuration's host-port form) as a ForwardHost. */
export function parseForwardHost(text: string, transport: ForwardTransport): ForwardHost | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { host: match[1]!, port, transport };
}
