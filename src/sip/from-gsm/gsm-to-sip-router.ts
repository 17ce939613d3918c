/**
 * The GSM → SIP router (manual §4.7, §4.4 proxy mode): the CallRouter that forwards an incoming GSM
 * call to the SIP targets fork-targets.ts picks, ringing them all at once (forking-uac.ts) with the
 * caller identity of caller-id.ts. A line with nothing configured uses two-stage dialling when
 * `sip.forward.twoStage` enables it (two-stage-call.ts: answer, collect a number, call that user), else
 * keeps the fallback router's behaviour (ring, then reject); a line whose target cannot be reached does
 * the same, with the reason in the call's record.
 */
import type { Call } from '../../call/call.js';
import type { CallRouter, IncomingDecision, VoipLegControl } from '../../call/call-router.js';
import type { SipConfig } from '../../config/schema-sip.js';
import type { Logger } from '../../util/log.js';
import type { SipDialogListener } from '../core/index.js';
import type { Dialog } from '../dialog/index.js';
import type { RegisteredContact } from '../registrar/index.js';
import { callerIdentity } from './caller-id.js';
import { buildForkInvite, type LocalContact } from './fork-invite.js';
import { planTargets, type ForwardAccount, type PlannedBranch } from './fork-targets.js';
import { ForkingUac, type ForkEndpoint } from './forking-uac.js';
import { ForwardedCall } from './forwarded-call.js';
import { TwoStageCall } from './two-stage-call.js';
import { planSecondNumber, twoStageApplies } from './two-stage-plan.js';
import type { MediaSessions } from '../../media/media-contract.js';

export interface GsmToSipRouterOptions {
  readonly endpoint: ForkEndpoint;
  readonly media: MediaSessions;
  /** Registered contacts of a registrar group / extension (Registrar.contactsForGroup / contactsFor). */
  readonly contactsForGroup: (group: string) => readonly RegisteredContact[];
  readonly contactsFor: (user: string) => readonly RegisteredContact[];
  /** The PBX account carrying a line, for bare extensions; null when none. */
  readonly accountFor: (line: number) => ForwardAccount | null;
  /** Read at each call. */
  readonly config: () => SipConfig;
  /** Our host and port for Via, Contact and (without an account) From. */
  readonly local: LocalContact;
  /** cellgate's version for User-Agent. */
  readonly version: string;
  /** What happens when there is no forward target (today's ring-then-reject). */
  readonly fallback: CallRouter;
  readonly log: Logger;
}

export class GsmToSipRouter implements CallRouter, SipDialogListener {
  private readonly byDialog = new Map<Dialog, ForwardedCall>();
  private readonly calls = new Set<ForwardedCall>();

  constructor(private readonly options: GsmToSipRouterOptions) {}

  /** Forwarded calls in progress. */
  get activeCount(): number {
    return this.calls.size;
  }

  route(call: Call): IncomingDecision {
    try {
      return this.decide(call);
    } catch (error) {
      // CallRouter.route must not throw: a bug here leaves the call to the fallback.
      this.options.log.error({ err: error, call: call.id }, 'GSM→SIP router failed; using the fallback');
      return this.options.fallback.route(call);
    }
  }

  /**
   * The SIP side ended a dialog with BYE (already answered 200): true when it was one of ours, whose
   * GSM call is then hung up.
   */
  handleBye(dialog: Dialog): boolean {
    const call = this.byDialog.get(dialog);
    if (call === undefined) return false;
    call.sipBye();
    return true;
  }

  /** SipDialogListener: the endpoint tells every listener; only our dialogs matter here. */
  dialogByeReceived(dialog: Dialog): void {
    this.handleBye(dialog);
  }

  private decide(call: Call): IncomingDecision {
    const config = this.options.config();
    const fallback = this.options.fallback.route(call);
    if (!config.enabled || fallback.action !== 'reject') return fallback;
    const plan = planTargets(config, call.gsm.line, call.gsm.number, this.options);
    if (plan.kind === 'none') {
      if (twoStageApplies(config, call.gsm.line)) return { action: 'forward', peer: 'two-stage dialling', start: (control) => this.startTwoStage(call, control, config) };
      return fallback;
    }
    if (plan.kind === 'unroutable') {
      this.options.log.warn({ call: call.id, line: call.gsm.line, cause: plan.cause }, 'incoming GSM call cannot be forwarded');
      return { ...fallback, cause: `not forwarded: ${plan.cause}; ${fallback.cause}` };
    }
    return { action: 'forward', peer: plan.peer, start: (control) => this.start(call, plan.peer, plan.branches, control, config) };
  }

  private start(call: Call, peer: string, branches: readonly PlannedBranch[], control: VoipLegControl, config: SipConfig): ForwardedCall | { gsmEnded(): null } {
    const media = this.options.media.offer();
    if (media === null) {
      control.rejectGsm('503 no RTP port free', `forwarded to ${peer}: no RTP port free`);
      return { gsmEnded: () => null };
    }
    const invites = branches.map((branch) => {
      const identity = callerIdentity({
        number: call.gsm.number,
        mode: config.forward.callerId,
        rules: config.forward.callerIdRules,
        host: branch.domain ?? this.options.local.host,
        gatewayUser: branch.accountUser ?? 'gateway',
      });
      return { label: branch.label, target: branch.target, invite: buildForkInvite({ branch, identity, local: this.options.local, sdp: media.localSdp, version: this.options.version }) };
    });
    const noAnswerSec = config.forward.noAnswerSec;
    const fork = new ForkingUac({
      endpoint: this.options.endpoint,
      branches: invites,
      noAnswerMs: noAnswerSec * 1000,
      acceptAnswer: (response) => media.setRemote(response.bodyText),
      log: this.options.log,
    });
    const forwarded = new ForwardedCall({
      callId: call.id,
      lineId: call.gsm.line,
      peer,
      fork,
      media,
      endpoint: this.options.endpoint,
      control,
      noAnswerSec,
      dtmfToSip: config.media.dtmf,
      onDialog: (dialog, which) => this.byDialog.set(dialog, which),
      onEnded: (which) => this.forget(which),
      log: this.options.log,
    });
    this.calls.add(forwarded);
    this.options.log.info({ call: call.id, line: call.gsm.line, peer, targets: branches.length }, 'forwarding an incoming GSM call to SIP');
    forwarded.start();
    return forwarded;
  }

  private startTwoStage(call: Call, control: VoipLegControl, config: SipConfig): TwoStageCall {
    const twoStage = config.forward.twoStage;
    const leg = new TwoStageCall({
      callId: call.id,
      control,
      noInputMs: twoStage.noInputSec * 1000,
      totalMs: twoStage.totalSec * 1000,
      // Read again when the number is complete: registrations change while the caller keys it in.
      secondStage: (digits) => {
        const now = this.options.config();
        const planned = planSecondNumber(now, call.gsm.line, digits, this.options);
        if (!planned.ok) return planned;
        const { peer, branches } = planned.plan;
        return { ok: true, peer, start: (inner) => this.start(call, peer, branches, inner, now) };
      },
      onPeer: (peer) => {
        if (call.voip) call.voip.peer = `${peer} (two-stage dialling)`;
      },
      log: this.options.log,
    });
    leg.start();
    return leg;
  }

  private forget(call: ForwardedCall): void {
    this.calls.delete(call);
    if (call.dialog !== undefined) this.byDialog.delete(call.dialog);
  }
}

/** The GSM → SIP router (see GsmToSipRouterOptions). */
export function createGsmToSipRouter(options: GsmToSipRouterOptions): GsmToSipRouter {
  return new GsmToSipRouter(options);
}
