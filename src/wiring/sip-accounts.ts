/**
 * The SIP accounts part of the daemon: registrations to PBXes and the embedded registrar on the SIP
 * endpoint, reloaded when the `sip` section changes, with the API part for wireHttp (`sip` option).
 */
import type { ConfigStore } from '../config/load.js';
import type { LineManager } from '../line/line-manager.js';
import { createSipAccounts, type SipAccounts, type SipAccountsOptions } from '../sip/accounts/create-sip-accounts.js';
import type { LocalContact } from '../sip/registration/index.js';
import { service, type Service } from '../system/service.js';
import type { Logger } from '../util/log.js';

export interface SipAccountsWiringOptions {
  config: ConfigStore;
  endpoint: SipAccountsOptions['endpoint'];
  /** The endpoint's public host and UDP/TCP port (what Via and Contact say). */
  local: LocalContact;
  lines: Pick<LineManager, 'all'>;
  version: string;
  log: Logger;
}

export interface SipAccountsPart {
  accounts: SipAccounts;
  /** Starts registering and taking REGISTER; its stop unregisters (bounded) and stops the registrar. */
  service: Service;
}

export function wireSipAccounts(o: SipAccountsWiringOptions): SipAccountsPart {
  const accounts = createSipAccounts({
    endpoint: o.endpoint,
    config: () => o.config.get().sip,
    local: o.local,
    lineIds: () => o.lines.all().map((l) => l.id),
    version: o.version,
    log: o.log,
  });
  let unsubscribe: (() => void) | undefined;
  const start = () => {
    accounts.start();
    // Only a changed registration, trunk or registrar section is worth a reload (each part diffs further).
    unsubscribe = o.config.onChange((next, prev) => {
      const watched = (c: typeof next) => JSON.stringify([c.sip.registration, c.sip.trunk, c.sip.registrar]);
      if (watched(next) !== watched(prev)) accounts.reload();
    });
  };
  const stop = async () => {
    unsubscribe?.();
    await accounts.stop();
  };
  return { accounts, service: service('SIP accounts', start, stop) };
}
