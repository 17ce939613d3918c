/** What the registration manager is built with, and the views it gives of its accounts. */
import type { SipConfig } from '../../config/schema-sip.js';
import type { Logger } from '../../util/log.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { RegistrationState } from './registration-state.js';
import type { LocalContact, RegistrationClientOptions, RegistrationStatus, SendRegister, SipServerAddress } from './registration-options.js';

export interface RegistrationManagerOptions {
  /** The `sip` section, read at start and at each reload. */
  readonly config: () => Pick<SipConfig, 'registration' | 'trunk'>;
  readonly send: SendRegister;
  readonly local: LocalContact;
  readonly scheduler: TimerScheduler;
  readonly version: string;
  readonly log?: Logger;
  readonly now?: () => number;
  /** Refresh margin, retry back-off and primary recheck of every client (their defaults otherwise). */
  readonly tuning?: Pick<RegistrationClientOptions, 'refreshMarginSeconds' | 'retryInitialMs' | 'retryMaxMs' | 'primaryRecheckMs'>;
  /** Longest wait for the unregisters on stop; the bindings run out at the registrar anyway. Default 5 s. */
  readonly stopTimeoutMs?: number;
  /** Told after every status change of any account. */
  readonly onStatus?: (status: RegistrationStatus) => void;
}

/** One account as `GET /api/sip/registrations` shows it. Holds no password. */
export interface AccountStatusView {
  readonly id: string;
  /** Line ids whose calls the account carries, or 'all' (device mode, trunk peer). */
  readonly lines: readonly number[] | 'all';
  readonly state: RegistrationState;
  readonly aor: string;
  /** `host:port` of the registrar in use, or last tried. */
  readonly registrar: string;
  readonly usingBackup: boolean;
  /** Seconds granted by the registrar, while registered. */
  readonly expiresSeconds: number | null;
  /** When the binding runs out (ISO time), while registered. */
  readonly expiresAt: string | null;
  /** When the next REGISTER is due (ISO time): the retry after a failure, or the refresh while registered. */
  readonly nextAttemptAt: string | null;
  readonly lastError: { readonly statusCode: number; readonly reason: string; readonly at: string } | null;
}

/**
 * The account that carries a line's calls to the PBX: where calls and MESSAGEs for it go and what
 * their From says. `credentials` answer a PBX's challenge to them; never shown by the API.
 */
export interface LineAccount {
  readonly id: string;
  readonly state: RegistrationState;
  /** The registrar in use now (the backup while the primary is out). */
  readonly registrar: SipServerAddress;
  readonly outboundProxy: SipServerAddress | undefined;
  /** The address-of-record's user (phone number, else auth ID) and domain (home domain, else registrar host). */
  readonly user: string;
  readonly domain: string;
  readonly displayName: string | undefined;
  readonly credentials: { readonly username: string; readonly password: string };
}

/** The VOIP column of `GET /api/lines`. */
export interface LineVoip {
  readonly account: string;
  readonly state: RegistrationState;
}
