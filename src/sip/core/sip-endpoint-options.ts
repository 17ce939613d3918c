/**
 * Options of the SIP endpoint (sip-endpoint.ts), resolved with defaults. Transaction timers keep
 * their own checks (resolveTransactionTimers); problems come back as a list, never as a throw.
 */
import type { Logger } from '../../util/log.js';
import type { Dialog, DialogLocalSpec, UasNoAckReport } from '../dialog/index.js';
import type { SipRequest } from '../message/index.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { TransactionTimerOptions } from '../transaction/transaction-timer-options.js';
import type { SipTarget, SipTransportSet } from '../transport/index.js';
import type { SourceRateLimitOptions } from './source-rate-limiter.js';

export interface SipEndpointOptions {
  readonly transports: SipTransportSet;
  /** Our version, Via and Contact for the requests and dialog-creating responses we build. */
  readonly local: DialogLocalSpec;
  readonly log: Logger;
  readonly timers?: TransactionTimerOptions;
  readonly scheduler?: TimerScheduler;
  /** Option tags we support: a `Require` naming anything else gets 420 (§8.2.2.3). Default none. */
  readonly supported?: readonly string[];
  /** Body types we accept, for the default OPTIONS answer (§11.2). Default `application/sdp`, `text/plain`. */
  readonly accept?: readonly string[];
  /**
   * Token bucket per source IP for new out-of-dialog requests; null turns it off. Over the limit a
   * request is dropped silently, or answered 503 with Retry-After when `rejectOverLimit` is set.
   */
  readonly rateLimit?: (SourceRateLimitOptions & { readonly rejectOverLimit?: boolean }) | null;
  /** Sends requests whose next hop is a URI (ACK, BYE, CANCEL of the dialog layer) here instead (an outbound proxy). */
  readonly outboundProxy?: SipTarget;
  /** The peer ended a dialog with BYE (already answered 200). */
  readonly onBye?: (dialog: Dialog, bye: SipRequest) => void;
  /** Our 2xx was never acknowledged and the dialog was ended with BYE (§13.3.1.4). */
  readonly onNoAck?: (report: UasNoAckReport) => void;
}

export const DEFAULT_ACCEPT: readonly string[] = ['application/sdp', 'text/plain'];
