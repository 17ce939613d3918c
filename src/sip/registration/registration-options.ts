/** What a registration client is built with, what it sends through, and what it reports. */
import type { Logger } from '../../util/log.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { RegistrationState } from './registration-state.js';

export type RegistrationTransport = 'udp' | 'tcp' | 'tls';

/** A registrar or proxy as configured: a host name or IP, a port (5060 by default) and a transport. */
export interface SipServerAddress {
  readonly host: string;
  readonly port: number;
  readonly transport: RegistrationTransport;
}

/** One account to register (the manual's settings for one server, one line or one group). */
export interface RegistrationAccount {
  /** The authentication ID (digest username). */
  readonly authId: string;
  /** Never logged nor reported. */
  readonly password: string;
  /** The user part of the address-of-record; the auth ID when absent (as the manual says). */
  readonly phoneNumber?: string;
  readonly displayName?: string;
  /** Domain of the address-of-record; the registrar's host when absent. */
  readonly homeDomain?: string;
  readonly registrar: SipServerAddress;
  /** Used while the primary does not answer (timeout, 5xx, transport error). */
  readonly backupRegistrar?: SipServerAddress;
  /** Next hop for every REGISTER (a Route with `lr`); the Request-URI stays the registrar's. */
  readonly outboundProxy?: SipServerAddress;
  /** Expiry asked for, in seconds (the manual's "registration expiry"). */
  readonly expiresSeconds: number;
}

/** Where the client receives requests: the host and port put in Via and Contact. */
export interface LocalContact {
  readonly host: string;
  readonly port: number;
}

/** How a REGISTER ended, as the transaction layer reports it. */
export type RegisterResult =
  | { readonly kind: 'response'; readonly response: SipResponse }
  /** Timer F: no final response (RFC 3261 §8.1.3.1 treats it as 408). */
  | { readonly kind: 'timeout' }
  /** The transport could not send (§8.1.3.1 treats it as 503). */
  | { readonly kind: 'transport-error'; readonly detail: string };

/**
 * The client's only I/O: send the request to the next hop in a new non-INVITE client transaction and
 * resolve with its outcome. A rejected promise counts as a transport error.
 */
export type SendRegister = (request: SipRequest, nextHop: SipServerAddress, onProvisional?: (response: SipResponse) => void) => Promise<RegisterResult>;

export interface RegistrationClientOptions {
  /** A name for status and logs (an account, line or group id). */
  readonly id: string;
  readonly account: RegistrationAccount;
  readonly local: LocalContact;
  readonly send: SendRegister;
  readonly scheduler: TimerScheduler;
  /** Milliseconds since the epoch; Date.now by default. Tests pass their fake clock. */
  readonly now?: () => number;
  /** cellgate's version for User-Agent. */
  readonly version: string;
  readonly log?: Logger;
  /** Told after every change of the status. */
  readonly onStatus?: (status: RegistrationStatus) => void;
  /** Refresh this long before expiry, but never before half the granted time. Default 30 s. */
  readonly refreshMarginSeconds?: number;
  /** First wait after a failed round (all registrars tried). Default 30 s; doubles up to the maximum. */
  readonly retryInitialMs?: number;
  /** Longest wait between failed rounds. Default 30 min. */
  readonly retryMaxMs?: number;
  /** While on the backup, try the primary again at a refresh once this long has passed since it failed. Default 5 min. */
  readonly primaryRecheckMs?: number;
}

export interface RegistrationError {
  /** The status that failed the REGISTER, or 408/503 for a timeout or transport error (RFC 3261 §8.1.3.1). */
  readonly statusCode: number;
  readonly reason: string;
  /** When it happened (ms since the epoch). */
  readonly at: number;
}

/** What the API shows for one account. Holds no password. */
export interface RegistrationStatus {
  readonly id: string;
  readonly state: RegistrationState;
  readonly aor: string;
  /** `host:port` of the registrar in use (the last one tried when not registered). */
  readonly registrar: string;
  readonly usingBackup: boolean;
  /** Granted expiry in seconds, while registered. */
  readonly grantedSeconds: number | undefined;
  /** When the binding runs out (ms since the epoch), while registered. */
  readonly expiresAt: number | undefined;
  /** When the next retry is due, while waiting. */
  readonly retryAt: number | undefined;
  /** When the refresh REGISTER is due, while registered. */
  readonly refreshAt: number | undefined;
  readonly lastError: RegistrationError | undefined;
}
