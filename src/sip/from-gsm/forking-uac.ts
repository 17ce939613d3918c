/**
 * A forking UAC: one INVITE per target, all sent at once, each a separate call (its own Call-ID, From
 * tag and branch), so every fork is an ordinary INVITE client transaction and dialog of the endpoint.
 * The first usable 2xx wins (its ACK is sent by the dialog layer), every other pending branch gets
 * CANCEL (RFC 3261 §9.1, after its first provisional response), and a 2xx from a branch we do not keep
 * is ACKed and ended with BYE (§13.2.2.4). When every branch failed, the best failure is reported
 * (§16.7 simplified, best-response.ts). The caller may give up (CANCEL all) and a no-answer timer does
 * the same.
 */
import type { Dialog, UacCancelVerdict } from '../dialog/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { SipInviteEvents, SipInviteOutcome } from '../core/index.js';
import type { SipTarget } from '../transport/index.js';
import type { Logger } from '../../util/log.js';
import { bestFailure, type BranchFailure } from './best-response.js';
import { branchNextState, branchPending, forkNextState, type BranchEvent, type BranchState, type ForkState } from './fork-state.js';

/** What the fork needs of the SIP endpoint (SipEndpoint has it). */
export interface ForkEndpoint {
  sendInvite(invite: SipRequest, target: SipTarget, events?: SipInviteEvents): { readonly outcome: Promise<SipInviteOutcome>; cancel(): UacCancelVerdict };
  readonly dialogs: { sendBye(dialog: Dialog): SipRequest | undefined; sendInfo?(dialog: Dialog, contentType: string, body: string): boolean };
}

export interface ForkBranchSpec {
  /** For logs and records, e.g. `sip:101@10.0.0.2:5060`. */
  readonly label: string;
  readonly invite: SipRequest;
  readonly target: SipTarget;
}

export type ForkOutcome =
  | { readonly kind: 'answered'; readonly dialog: Dialog; readonly response: SipResponse; readonly label: string }
  | { readonly kind: 'failed'; readonly status: number; readonly reason: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'timed-out' };

export interface ForkingUacOptions {
  readonly endpoint: ForkEndpoint;
  readonly branches: readonly ForkBranchSpec[];
  /** No 2xx within this time: CANCEL all (sip.forward.noAnswerSec). */
  readonly noAnswerMs: number;
  /** Whether a 2xx is usable (e.g. its SDP answer has a common codec); an unusable one is ended with BYE and counts as 488. */
  readonly acceptAnswer?: (response: SipResponse) => boolean;
  /** The first provisional response with a status above 100 (someone's phone is ringing). */
  readonly onRinging?: (response: SipResponse, label: string) => void;
  readonly log: Logger;
}

interface Branch {
  readonly spec: ForkBranchSpec;
  state: BranchState;
  cancel: (() => UacCancelVerdict) | undefined;
}

export class ForkingUac {
  private _state: ForkState = 'idle';
  private readonly branches: Branch[];
  private readonly failures: BranchFailure[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ringingReported = false;
  private resolveOutcome: (outcome: ForkOutcome) => void = () => undefined;
  /** Resolves once, when the fork reaches a final state. */
  readonly outcome: Promise<ForkOutcome>;

  constructor(private readonly options: ForkingUacOptions) {
    this.branches = options.branches.map((spec) => ({ spec, state: 'calling', cancel: undefined }));
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
  }

  get state(): ForkState {
    return this._state;
  }

  /** The state of each branch, by label, for tests and logs. */
  branchStates(): { label: string; state: BranchState }[] {
    return this.branches.map((b) => ({ label: b.spec.label, state: b.state }));
  }

  /** Sends every INVITE. With no branch at all the fork fails at once (480). */
  start(): Promise<ForkOutcome> {
    if (this._state !== 'idle') return this.outcome;
    if (this.branches.length === 0) return this.finish('all-failed', { kind: 'failed', status: 480, reason: 'Temporarily Unavailable' });
    this._state = forkNextState(this._state, 'start');
    this.timer = setTimeout(() => this.timeout(), Math.max(0, this.options.noAnswerMs));
    for (const branch of this.branches) this.send(branch);
    return this.outcome;
  }

  /** The caller gave up (the GSM caller hung up): CANCEL every pending branch. */
  cancel(): void {
    if (this._state !== 'ringing' && this._state !== 'idle') return;
    this.cancelPending();
    void this.finish('cancel', { kind: 'cancelled' });
  }

  private send(branch: Branch): void {
    let call: ReturnType<ForkEndpoint['sendInvite']>;
    try {
      call = this.options.endpoint.sendInvite(branch.spec.invite, branch.spec.target, { onProvisional: (response) => this.provisional(branch, response) });
    } catch (error) {
      this.options.log.warn({ target: branch.spec.label, err: (error as Error).message }, 'GSM→SIP fork: INVITE not sent');
      this.ended(branch, { kind: 'transport-error', error });
      return;
    }
    branch.cancel = () => call.cancel();
    call.outcome.then(
      (outcome) => this.ended(branch, outcome),
      (error: unknown) => this.ended(branch, { kind: 'transport-error', error }),
    );
  }

  private step(branch: Branch, event: BranchEvent): void {
    branch.state = branchNextState(branch.state, event);
  }

  private provisional(branch: Branch, response: SipResponse): void {
    if (!branchPending(branch.state)) return;
    const wasCancelPending = branch.state === 'cancel-pending';
    this.step(branch, 'provisional');
    // §9.1: the CANCEL we held back until a provisional response goes out now.
    if (wasCancelPending) branch.cancel?.();
    if (response.statusCode > 100 && this._state === 'ringing' && !this.ringingReported) {
      this.ringingReported = true;
      this.options.onRinging?.(response, branch.spec.label);
    }
  }

  private ended(branch: Branch, outcome: SipInviteOutcome): void {
    if (outcome.kind === 'answered') return this.answered(branch, outcome.dialog, outcome.response);
    if (!branchPending(branch.state)) return;
    this.step(branch, 'failure');
    this.recordFailure(failureOf(outcome));
  }

  /** Once no branch is pending or kept, the fork has failed with the best of the failures. */
  private recordFailure(failure: BranchFailure): void {
    this.failures.push(failure);
    if (this._state === 'ringing' && this.branches.every((b) => !branchPending(b.state) && b.state !== 'answered')) {
      void this.finish('all-failed', { kind: 'failed', ...bestFailure(this.failures) });
    }
  }

  private answered(branch: Branch, dialog: Dialog, response: SipResponse): void {
    if (!branchPending(branch.state)) return;
    const keep = this._state === 'ringing' && branch.state !== 'cancel-pending' && branch.state !== 'cancelling';
    if (!keep) {
      // A 2xx we do not want (another branch won, the caller left, or we meant to cancel): ACKed by
      // the dialog layer already, ended here with BYE (§13.2.2.4, §15).
      this.step(branch, 'success');
      this.options.endpoint.dialogs.sendBye(dialog);
      this.options.log.info({ target: branch.spec.label }, 'GSM→SIP fork: a late 2xx was acknowledged and ended with BYE');
      return;
    }
    this.step(branch, 'success');
    if (this.options.acceptAnswer !== undefined && !this.options.acceptAnswer(response)) {
      this.step(branch, 'release');
      this.options.endpoint.dialogs.sendBye(dialog);
      this.options.log.warn({ target: branch.spec.label }, 'GSM→SIP fork: answer unusable (no common codec); ended with BYE');
      return this.recordFailure({ status: 488, reason: 'Not Acceptable Here' });
    }
    clearTimeout(this.timer);
    this.cancelPending();
    void this.finish('answer', { kind: 'answered', dialog, response, label: branch.spec.label });
  }

  private timeout(): void {
    if (this._state !== 'ringing') return;
    this.cancelPending();
    void this.finish('timeout', { kind: 'timed-out' });
  }

  /** CANCEL to every branch still waiting (held back until a provisional where none came yet, §9.1). */
  private cancelPending(): void {
    for (const branch of this.branches) {
      if (branch.state !== 'calling' && branch.state !== 'proceeding') continue;
      const sendNow = branch.state === 'proceeding';
      this.step(branch, 'cancel');
      if (sendNow) branch.cancel?.();
    }
  }

  private finish(event: 'answer' | 'all-failed' | 'cancel' | 'timeout', outcome: ForkOutcome): Promise<ForkOutcome> {
    clearTimeout(this.timer);
    this._state = forkNextState(this._state, event);
    this.resolveOutcome(outcome);
    return this.outcome;
  }
}

/** A branch's end as a status: Timer B as 408 (§8.1.3.1), a transport failure as 503 (§8.1.3.1). */
function failureOf(outcome: SipInviteOutcome): BranchFailure {
  switch (outcome.kind) {
    case 'failed':
      return { status: outcome.response.statusCode, reason: outcome.response.reasonPhrase };
    case 'timeout':
      return { status: 408, reason: 'Request Timeout' };
    case 'transport-error':
      return { status: 503, reason: 'Service Unavailable' };
    default:
      return { status: 500, reason: 'Server Internal Error' };
  }
}
