/**
 * Wiring of GSM → SIP calls: the router the call service takes, built on the SIP endpoint, the
 * registrar's contacts, the media sessions and the `sip` configuration. The account that carries a
 * line (for bare forward extensions) follows the registration mode (manual §4.3): the device's
 * account, the line's, the line's group's, or the first trunk peer's registration.
 */
import type { CallRouter } from '../call/call-router.js';
import type { SipAccountConfig, SipConfig } from '../config/schema-sip.js';
import type { SipDialogListener } from '../sip/core/index.js';
import { createGsmToSipRouter, parseForwardHost, type ForkEndpoint, type ForwardAccount, type GsmToSipRouter, type LocalContact, type MediaSessions } from '../sip/from-gsm/index.js';
import type { RegisteredContact } from '../sip/registrar/index.js';
import type { Logger } from '../util/log.js';

export interface GsmToSipWiring {
  /** The SIP endpoint: INVITEs go out through it, and it tells the router of BYEs. */
  readonly endpoint: ForkEndpoint & { addDialogListener(listener: SipDialogListener): () => void };
  /** The call service, whose router this replaces while SIP runs. */
  readonly calls: { setRouter(router: CallRouter): void };
  readonly media: MediaSessions;
  /** The embedded registrar's lookups (Registrar.contactsForGroup / contactsFor); absent: none registered. */
  readonly registrar?: { contactsForGroup(group: string): RegisteredContact[]; contactsFor(user: string): RegisteredContact[] };
  readonly config: () => SipConfig;
  readonly local: LocalContact;
  readonly version: string;
  /** Today's router (ring, then reject), for lines with nothing to forward to, and again after stop(). */
  readonly fallback: CallRouter;
  readonly log: Logger;
}

/** The PBX account as the router needs it; null when its registrar text does not read. */
export function forwardAccountOf(account: SipAccountConfig): ForwardAccount | null {
  const registrar = parseForwardHost(account.registrar, account.transport);
  if (registrar === null) return null;
  const proxy = account.outboundProxy === undefined ? null : parseForwardHost(account.outboundProxy, account.transport);
  return {
    registrar,
    outboundProxy: proxy,
    ...(account.homeDomain === undefined ? {} : { domain: account.homeDomain }),
    user: account.phoneNumber ?? account.authId,
  };
}

/** The account that registers for `line` in the configured mode, else the first trunk peer's registration. */
export function accountForLine(config: SipConfig, line: number): SipAccountConfig | null {
  const reg = config.registration;
  if (reg.mode === 'device' && reg.account !== undefined) return reg.account;
  if (reg.mode === 'per-line') return reg.lines.find((a) => a.line === line) ?? null;
  if (reg.mode === 'per-group') return reg.groups.find((g) => g.lines.includes(line))?.account ?? null;
  return config.trunk.peers[0]?.register ?? null;
}

export interface GsmToSipParts {
  readonly router: GsmToSipRouter;
  /** Gives incoming calls back to the fallback router and stops hearing BYEs. */
  stop(): void;
}

/** Builds the router, makes it the call service's router and lets the endpoint tell it of BYEs. */
export function wireGsmToSip(o: GsmToSipWiring): GsmToSipParts {
  const router = createGsmToSipRouter({
    endpoint: o.endpoint,
    media: o.media,
    contactsForGroup: (group) => o.registrar?.contactsForGroup(group) ?? [],
    contactsFor: (user) => o.registrar?.contactsFor(user) ?? [],
    accountFor: (line) => {
      const account = accountForLine(o.config(), line);
      return account === null ? null : forwardAccountOf(account);
    },
    config: o.config,
    local: o.local,
    version: o.version,
    fallback: o.fallback,
    log: o.log.child({ component: 'gsm-to-sip' }),
  });
  const removeListener = o.endpoint.addDialogListener(router);
  o.calls.setRouter(router);
  return {
    router,
    stop() {
      removeListener();
      o.calls.setRouter(o.fallback);
    },
  };
}
