/**
 * Who may place a call or send an SMS through the gateway (manual §4.4 "呼入认证": none, by address,
 * by password, or both). Toll fraud is the first attack on a SIP gateway, so a request the
 * configuration does not allow never reaches a line:
 * - `address`: the packet's source must match a trunk peer entry (src/sip/access/address-pattern.ts);
 * - `digest`: the caller answers a digest challenge (RFC 3261 §22.2) with a configured
 *   `sip.inbound.users` account;
 * - `both`: a trunk peer address AND a digest answer;
 * - `none`: anyone (the operator chose it; the daemon warns at start).
 * Phones of the embedded registrar always authenticate with their extension's password, whatever the
 * mode. Demo mode's loopback trunk admits 127.0.0.1 and ::1 without authentication.
 *
 * Unknown users and wrong passwords get the same 401 (no enumeration); repeated failures lock the
 * source out (403) for a while. The check answers the request itself when it refuses.
 */
import { randomBytes } from 'node:crypto';
import type { SipConfig } from '../../config/schema-sip.js';
import type { Logger } from '../../util/log.js';
import { DigestServer, parseDigestCredentials, type StoredDigestSecret } from '../auth/index.js';
import type { SipIncomingRequest } from '../core/index.js';
import { SourceLockout, type SourceLockoutOptions } from '../registrar/source-lockout.js';
import { parseAddressPatterns, plainIp, type AddressPattern } from './address-pattern.js';

export type AccessVerdict = { allowed: true; who: string } | { allowed: false };

export interface InboundAccessOptions {
  config: () => SipConfig;
  /** Demo mode's loopback trunk is open. */
  demoLoopback: boolean;
  /** Secrets of the embedded registrar's extensions by user part; undefined while it does not run. */
  extensionSecret?: () => ((user: string) => StoredDigestSecret | undefined) | undefined;
  lockout?: SourceLockoutOptions;
  log: Logger;
  now?: () => number;
}

/** The trunk peers' patterns, parsed once per configuration object. */
interface ParsedPeers {
  readonly of: SipConfig['trunk'];
  readonly peers: { index: number; patterns: AddressPattern[] }[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

export class InboundAccess {
  private readonly lockout: SourceLockout;
  private readonly now: () => number;
  private digest: DigestServer | null = null;
  private digestAlgorithms = '';
  private parsed: ParsedPeers | null = null;
  private readonly secret = randomBytes(32);

  constructor(private readonly o: InboundAccessOptions) {
    this.lockout = new SourceLockout(o.lockout);
    this.now = o.now ?? Date.now;
  }

  /** The trunk peer entry (1-based) a source address matches, or null. */
  peerOf(ip: string, port: number): number | null {
    for (const peer of this.peers()) if (peer.patterns.some((p) => p.matches(ip, port))) return peer.index;
    return null;
  }

  /** Decides for a new INVITE or MESSAGE; when it refuses, it has answered (401, 403 or 400). */
  admit(incoming: SipIncomingRequest): AccessVerdict {
    const ip = plainIp(incoming.source.ip);
    const now = this.now();
    const refuse = (why: string): AccessVerdict => {
      this.o.log.info({ source: ip, method: incoming.request.method, why }, 'sip: request refused');
      incoming.respond(403, 'Forbidden');
      return { allowed: false };
    };
    if (this.lockout.isLocked(ip, now)) return refuse('source locked out after repeated authentication failures');
    if (this.o.demoLoopback && LOOPBACK.has(ip)) return { allowed: true, who: 'demo' };
    const cfg = this.o.config();
    const mode = cfg.inbound.auth;
    const peer = this.peerOf(ip, incoming.source.port);
    if (mode === 'none') return { allowed: true, who: peer === null ? 'anyone' : `trunk:${peer}` };
    if (mode === 'address' && peer !== null) return { allowed: true, who: `trunk:${peer}` };
    if (mode === 'both' && peer === null) return refuse('source is not a trunk peer');
    const users = mode === 'digest' || mode === 'both' ? cfg.inbound.users : [];
    const extensions = this.o.extensionSecret?.();
    if (users.length === 0 && extensions === undefined) return refuse(peer === null ? 'source is not a trunk peer' : 'no account may authenticate');
    return this.checkDigest(incoming, cfg, { users, extensions }, peer, ip, now);
  }

  private checkDigest(
    incoming: SipIncomingRequest,
    cfg: SipConfig,
    { users, extensions }: { users: SipConfig['inbound']['users']; extensions: ((user: string) => StoredDigestSecret | undefined) | undefined },
    peer: number | null, ip: string, now: number): AccessVerdict {
    const digest = this.digestServer(cfg.inbound.realm);
    const challenge = (stale: boolean): AccessVerdict => {
      const { header, values } = digest.challenge({ stale });
      incoming.respond(401, 'Unauthorized', { headers: values.map((v) => [header, v] as const) });
      return { allowed: false };
    };
    const request = incoming.request;
    const all = request.headers.getAll('authorization');
    const credentials = all.find((v) => {
      const parsed = parseDigestCredentials(v);
      return parsed.ok && parsed.value.realm === digest.realm;
    }) ?? all[0];
    if (credentials === undefined) return challenge(false);
    const lookup = (name: string): { secret: StoredDigestSecret; who: string } | undefined => {
      const user = users.find((u) => u.username === name);
      if (user) return { secret: { password: user.password }, who: `user:${name}` };
      const ext = extensions?.(name);
      return ext && { secret: ext, who: `ext:${name}` };
    };
    const verdict = digest.verify({ credentials, method: request.method, requestUri: request.uri, body: request.body }, (name) => lookup(name)?.secret);
    if (verdict.verdict === 'ok') {
      const found = lookup(verdict.username)!;
      return { allowed: true, who: peer === null ? found.who : `${found.who}@trunk:${peer}` };
    }
    if (verdict.verdict === 'stale') return challenge(true);
    const lockedNow = this.lockout.recordFailure(ip, now);
    if (verdict.verdict === 'malformed') {
      incoming.respond(400, 'Bad Authorization Header');
      return { allowed: false };
    }
    if (lockedNow) {
      this.o.log.warn({ source: ip }, 'sip: source locked out after repeated authentication failures');
      incoming.respond(403, 'Forbidden');
      return { allowed: false };
    }
    return challenge(false);
  }

  private digestServer(realm: string): DigestServer {
    // MD5 first, then SHA-256 (RFC 8760 §2.4 lets the server order them), as the registrar does: many
    // phones and PBXes, SIPp too, answer only the first challenge and know only MD5.
    const algorithms = [...new Set(this.o.config().registrar.algorithms)];
    if (this.digest === null || this.digest.realm !== realm || this.digestAlgorithms !== algorithms.join()) {
      this.digest = new DigestServer({ realm, secret: this.secret, algorithms });
      this.digestAlgorithms = algorithms.join();
    }
    return this.digest;
  }

  private peers(): ParsedPeers['peers'] {
    const trunk = this.o.config().trunk;
    if (this.parsed?.of !== trunk) {
      const peers = trunk.peers.map((p, i) => {
        const r = parseAddressPatterns(p.addresses);
        // The schema check (sipErrors) refuses bad patterns; one that slips through matches nothing.
        return { index: i + 1, patterns: r.ok ? r.patterns : [] };
      });
      this.parsed = { of: trunk, peers };
    }
    return this.parsed.peers;
  }
}
