/**
 * Wiring of GSM → SIP calls: the router the call service takes, built on the SIP endpoint, the
 * registrar's contacts, the media sessions and the `sip` configuration. The account that carries a
 * line (for bare forward extensions) is the registration manager's (manual §4.3 modes: the device's
 * account, the line's, the line's group's, or the first trunk peer's registration), with the
 * registrar in use now.
 */
import type { CallRouter } from '../call/call-router.js';
import type { SipConfig } from '../config/schema-sip.js';
import type { LineAccount } from '../sip/registration/registration-manager-options.js';
import type { SipServerAddress } from '../sip/registration/registration-options.js';
import type { SipDialogListener } from '../sip/core/index.js';
import { createGsmToSipRouter, type ForkEndpoint, type ForwardAccount, type GsmToSipRouter, type LocalContact, type MediaSessions } from '../sip/from-gsm/index.js';
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
  /**
   * The registration account carrying a line (RegistrationManager.accountFor: the mode's account,
   * with the registrar in use now, the backup during a failover); absent: no account carries any.
   */
  readonly lineAccount?: (line: number) => LineAccount | undefined;
  readonly local: LocalContact;
  readonly version: string;
  /** Today's router (ring, then reject), for lines with nothing to forward to, and again after stop(). */
  readonly fallback: CallRouter;
  readonly log: Logger;
}

/** The registration manager's account of a line as the router needs it. */
export function forwardAccountOf(account: LineAccount): ForwardAccount {
  const host = (server: SipServerAddress) => ({ host: server.host, port: server.port, transport: server.transport });
  return {
    registrar: host(account.registrar),
    outboundProxy: account.outboundProxy === undefined ? null : host(account.outboundProxy),
    domain: account.domain,
    user: account.user,
  };
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
      const account = o.lineAccount?.(line);
      return account === undefined ? null : forwardAccountOf(account);
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
