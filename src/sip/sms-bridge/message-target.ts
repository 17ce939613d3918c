/**
 * Where a MESSAGE forwarding a received SMS goes (manual §4.10 "短信转发至 VoIP"): a target written as
 * `101` (an extension: its registered contacts, else the default peer), `101@192.168.2.2:6060`, or a
 * SIP URI `sip:101@host`. Resolved to Request-URIs and next hops. Pure.
 */
import { nextHopTarget } from '../core/index.js';
import { parseSipUri } from '../message/index.js';
import type { SipTarget } from '../transport/index.js';

/** A registered contact as the embedded registrar lists it (Registrar.contactsFor). */
export interface ExtensionContact {
  readonly contactUri: string;
  /** The REGISTER's source: requests for this contact go there (RFC 5626-style, NAT-safe). */
  readonly source: { readonly ip: string; readonly port: number; readonly transport: 'udp' | 'tcp' | 'tls' };
}

/** One place to try: the Request-URI and the next hop. */
export interface MessageHop {
  readonly uri: string;
  readonly target: SipTarget;
}

export type MessageTargetVerdict =
  | { readonly ok: true; readonly hops: readonly MessageHop[] }
  /** `retryable`: the target may become reachable (an extension not registered now). */
  | { readonly ok: false; readonly retryable: boolean; readonly reason: string };

export interface MessageTargetContext {
  /** The embedded registrar's live contacts of an extension (absent: no registrar). */
  readonly contactsFor?: (user: string) => readonly ExtensionContact[];
  /** `host[:port]` where a bare extension goes when it has no registered contact (the PBX we register to). */
  readonly defaultPeer?: () => string | undefined;
}

const USER = /^[A-Za-z0-9\-_.!~*'()+%]{1,64}$/;

function direct(uri: string): MessageTargetVerdict {
  const hop = nextHopTarget(uri);
  if (!hop.ok) return { ok: false, retryable: false, reason: `${uri}: ${hop.reason}` };
  return { ok: true, hops: [{ uri, target: hop.target }] };
}

/** Resolves a forward target. Never throws. */
export function resolveMessageTarget(target: string, context: MessageTargetContext): MessageTargetVerdict {
  const text = target.trim();
  if (/^sips?:/i.test(text)) {
    if (parseSipUri(text) === undefined) return { ok: false, retryable: false, reason: `${JSON.stringify(text)} is not a SIP URI` };
    return direct(text);
  }
  const at = text.indexOf('@');
  if (at >= 0) {
    const user = text.slice(0, at);
    if (!USER.test(user)) return { ok: false, retryable: false, reason: `${JSON.stringify(user)} is not a SIP user` };
    return direct(`sip:${text}`);
  }
  if (!USER.test(text)) return { ok: false, retryable: false, reason: `${JSON.stringify(text)} is neither an extension nor a SIP address` };
  const contacts = context.contactsFor?.(text) ?? [];
  if (contacts.length > 0) {
    return { ok: true, hops: contacts.map((c) => ({ uri: c.contactUri, target: { ip: c.source.ip, port: c.source.port, kind: c.source.transport } })) };
  }
  const peer = context.defaultPeer?.();
  if (peer !== undefined && peer !== '') return direct(`sip:${text}@${peer}`);
  return { ok: false, retryable: true, reason: `extension ${text} has no registered contact` };
}
