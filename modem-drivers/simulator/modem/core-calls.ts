/**
 * The simulated modem's voice call: ATD towards the network, an incoming call ringing (RING, +CLIP,
 * auto-answer by S0), the end of a call as the dialect reports it, and +CEER. A second incoming call
 * while one is up waits (+CCWA, TS 27.007 §7.12) when the network offers it (the subscriber's call
 * waiting is on); AT+CHLD (§7.13) holds, swaps and releases the two (call-hold.ts). Part of ModemCore,
 * which holds the settings and the host.
 *
 * Call state URCs: SIMCom prints VOICE CALL: BEGIN / END (profile `voiceCallUrcs`); a Quectel modem told
 * AT+QINDCFG="ccinfo",1 prints `+QIND: "ccinfo",<id>,<dir>,<stat>,<mode>,<mpty>,<number>,<type>` on every
 * change (the +CLCC fields, TS 27.007 §7.18), <stat> -1 once the call is released, before the result code.
 */
import type { Logger } from '../../../src/util/log.js';
import type { Attachment, CallEndCause, CallLeg, CallLegState, Clock } from '../types.js';
import type { CoreHost, Settings } from './core-settings.js';
import type { DialectProfile } from './dialect.js';
import type { Outcome } from './outcome.js';

export interface CallSession {
  readonly leg: CallLeg;
  /** <ccid> of +CLCC (§7.18): 1 for the first call, 2 for a call that waited. */
  readonly index: number;
  /** On hold (+CLCC <stat> 1) after AT+CHLD=2. */
  held: boolean;
  readonly direction: 'mo' | 'mt';
  readonly number: string;
  state: CallLegState;
  /** clock time the call became active. */
  connectedAt: number | null;
  startedAt: number;
  rings: number;
  ringTimer: { cancel(): void } | null;
  unsubscribe: () => void;
}

/** +CEER texts (TS 24.008 Table 10.5.123 cause names). */
const CEER_TEXT: Record<CallEndCause, string> = {
  normal: 'Normal call clearing',
  busy: 'User busy',
  'no-answer': 'No answer from user (user alerted)',
  rejected: 'Call rejected',
  unreachable: 'Subscriber absent',
  'network-failure': 'Network out of order',
};

/** <stat> of +QIND: "ccinfo": the +CLCC values (TS 27.007 §7.18); a released call is -1, as EC2x firmware prints it. */
const CCINFO_STAT = { active: 0, dialing: 2, alerting: 3, incoming: 4, ended: -1 } as const;
const CCINFO_RELEASED = -1;

/** RING repetition while an incoming call waits (every 3 s, as EC25 and SIM7600 do). */
export const RING_INTERVAL_MS = 3_000;

/** What the call part reads of the modem core (ModemCore provides it). */
export interface CallCore {
  readonly attachment: Attachment | null;
  readonly clock: Clock;
  readonly host: CoreHost;
  readonly log: Logger | undefined;
  readonly powered: boolean;
  readonly profile: DialectProfile;
  readonly registered: boolean;
  readonly s: Settings;
  timer(fn: () => void, ms: number): { cancel(): void };
  usbAudio: { enabled: boolean; port: number };
}

export class CallControl {
  /** The call up, or the one left when the other ended. */
  call: CallSession | null = null;
  /** A second call: waiting (incoming) or accepted by AT+CHLD while `call` is held or released. */
  second: CallSession | null = null;
  lastCause: CallEndCause | null = null;

  constructor(private readonly core: CallCore) {}


  /** ATD: the network call; OK at once, progress as URCs. */
  dial(number: string): Outcome {
    const att = this.core.attachment;
    if (!att || !this.core.registered) {
      this.lastCause = 'network-failure';
      return { final: { kind: 'NO CARRIER' } };
    }
    if (this.call) return { final: { kind: 'CME', code: 3 } };
    let leg: CallLeg;
    try {
      leg = att.dial(number);
    } catch (err) {
      this.core.log?.warn({ err }, 'simulated modem: network dial threw');
      this.lastCause = 'network-failure';
      return { final: { kind: 'NO CARRIER' } };
    }
    this.startSession(leg, 'mo', number);
    return {};
  }

  private startSession(leg: CallLeg, direction: 'mo' | 'mt', number: string, index = 1): CallSession {
    const session: CallSession = {
      leg,
      index,
      held: false,
      direction,
      number,
      state: direction === 'mo' ? 'dialing' : 'incoming',
      connectedAt: null,
      startedAt: this.core.clock.now(),
      rings: 0,
      ringTimer: null,
      unsubscribe: () => undefined,
    };
    if (index === 1) this.call = session;
    else this.second = session;
    // An incoming call is reported with its first RING (ring()).
    if (direction === 'mo') this.ccinfo(session, CCINFO_STAT[session.state]);
    const stopState = leg.onState((state, cause) => this.onLegState(session, state, cause));
    const stopDtmf = leg.onDtmf((key) => this.dtmfHeard(session, key));
    session.unsubscribe = () => {
      stopState();
      stopDtmf();
    };
    if (leg.state !== session.state) this.onLegState(session, leg.state);
    return session;
  }

  onIncomingCall(leg: CallLeg): void {
    if (!this.core.registered || this.second) {
      leg.hangup();
      return;
    }
    if (this.call) {
      // The network offered a second call, so the subscriber's call waiting is on (§7.12): it waits.
      const s = this.startSession(leg, 'mt', leg.remote, this.call.index === 1 ? 2 : 1);
      if (s.state === 'incoming' && this.core.s.ccwa === 1) this.core.host.urc([`+CCWA: "${s.number}",${numberType(s.number)},1`]);
      return;
    }
    const s = this.startSession(leg, 'mt', leg.remote);
    if (s.state === 'incoming') this.ring(s);
  }

  /** The calls up, by <ccid>. */
  sessions(): CallSession[] {
    return [this.call, this.second].filter((s): s is CallSession => s !== null).sort((a, b) => a.index - b.index);
  }

  /** RING, +CLIP (TS 27.007 §7.6) and, with S0>0, auto-answer (V.250 §6.3.8); repeats every 3 s. */
  private ring(s: CallSession): void {
    if (this.call !== s || s.state !== 'incoming') return;
    s.rings++;
    this.core.host.urc(['RING']);
    if (this.core.s.clip) this.core.host.urc([this.clipLine(s.number)]);
    if (s.rings === 1) this.ccinfo(s, CCINFO_STAT.incoming);
    const s0 = this.core.s.sregs.get(0) ?? 0;
    if (s0 > 0 && s.rings >= s0) {
      s.leg.answer();
      return;
    }
    s.ringTimer = this.core.timer(() => {
      s.ringTimer = null;
      this.ring(s);
    }, RING_INTERVAL_MS);
  }

  /** The far end pressed a key: reported only while the firmware's DTMF detection is on. */
  private dtmfHeard(s: CallSession, key: string): void {
    if (this.call !== s || !this.core.s.dtmfDetect) return;
    const line = this.core.profile.dtmfDetection === 'qtonedet' ? `+QTONEDET: ${key.charCodeAt(0)}` : `+RXDTMF: ${key}`;
    this.core.host.urc([line]);
  }

  clipLine(number: string): string {
    return `+CLIP: "${number}",${numberType(number)},"",0,"",0`;
  }

  private onLegState(s: CallSession, state: CallLegState, cause?: CallEndCause): void {
    if (this.call !== s && this.second !== s) return;
    const before = s.state;
    s.state = state;
    if (state !== 'incoming' && s.ringTimer) {
      s.ringTimer.cancel();
      s.ringTimer = null;
    }
    if (state === 'active' && before !== 'active') {
      s.connectedAt = this.core.clock.now();
      if (this.core.profile.voiceCallUrcs) this.core.host.urc(['VOICE CALL: BEGIN']);
    }
    if (state !== before && state !== 'ended') this.ccinfo(s, CCINFO_STAT[state]);
    if (state === 'ended') this.remoteEnded(s, before, cause ?? 'normal');
  }

  /** `+QIND: "ccinfo"` for the call's new <stat>, when the host turned the report on (Quectel only). */
  private ccinfo(s: CallSession, stat: number): void {
    if (!this.core.s.qind.ccinfo) return;
    const dir = s.direction === 'mo' ? 0 : 1;
    this.core.host.urc([`+QIND: "ccinfo",${s.index},${dir},${stat},0,0,"${s.number}",${numberType(s.number)}`]);
  }

  /** The network or the other party ended the call: NO CARRIER / BUSY / NO ANSWER (V.250 §5.7.1). */
  private remoteEnded(s: CallSession, before: CallLegState, cause: CallEndCause): void {
    this.endSession(s);
    this.ccinfo(s, CCINFO_RELEASED);
    this.lastCause = cause;
    const simcom = this.core.profile.voiceCallUrcs;
    if (s.direction === 'mt' && before === 'incoming') {
      if (simcom) this.core.host.urc([`MISSED_CALL: ${clockTime(this.core.clock.now())} ${s.number}`]);
      else this.core.host.urc(['NO CARRIER']);
      return;
    }
    const end = simcom ? `VOICE CALL: END: ${this.duration(s)}` : null;
    const result = s.connectedAt !== null ? 'NO CARRIER' : cause === 'busy' || cause === 'rejected' ? 'BUSY' : cause === 'no-answer' ? 'NO ANSWER' : 'NO CARRIER';
    // fixtures/simcom/sim7600/call-end-busy.txt: BUSY then VOICE CALL: END; call-end-no-carrier.txt: the other way round.
    if (end && result === 'NO CARRIER') this.core.host.urc([end]);
    this.core.host.urc([result]);
    if (end && result !== 'NO CARRIER') this.core.host.urc([end]);
  }

  private endSession(s: CallSession): void {
    s.unsubscribe();
    if (s.ringTimer) s.ringTimer.cancel();
    s.ringTimer = null;
    if (this.second === s) this.second = null;
    if (this.call === s) {
      // The call left becomes the call: the single-call commands (ATA, ATH, +CPCMREG) act on it.
      this.call = this.second;
      this.second = null;
      // A call still waiting when the other ends is a plain incoming call now: it rings.
      if (this.call?.state === 'incoming' && this.call.direction === 'mt') this.ring(this.call);
    }
    if (this.core.profile.audio === 'cpcmreg' && this.call === null) this.core.usbAudio.enabled = false;
  }

  /** <hhmmss> of VOICE CALL: END. */
  duration(s: CallSession): string {
    const secs = s.connectedAt === null ? 0 : Math.floor((this.core.clock.now() - s.connectedAt) / 1000);
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs % 3600) / 60);
    return [h, m, secs % 60].map((v) => String(v).padStart(2, '0')).join('');
  }

  /** ATH / AT+CHUP: ends every call locally; the lines the dialect prints inside the reply. */
  hangupLocal(): string[] {
    const ended = this.sessions();
    // The second first: ending the first call with a second still up would make the second the call.
    for (const s of [this.second, this.call]) if (s) this.release(s);
    return this.core.profile.voiceCallUrcs ? ended.map((s) => `VOICE CALL: END: ${this.duration(s)}`) : [];
  }

  /** Ends one call from this side (ATH, AT+CHLD=0/1). */
  release(s: CallSession): void {
    this.endSession(s);
    this.lastCause = 'normal';
    // After the reply: a URC raised while the command runs waits for its final result.
    this.ccinfo(s, CCINFO_RELEASED);
    try {
      s.leg.hangup();
    } catch (err) {
      this.core.log?.warn({ err }, 'simulated modem: leg.hangup threw');
    }
  }

  /** The call is lost without the host asking (SIM removed, detach, power): NO CARRIER when announced. */
  dropCall(cause: CallEndCause, announce: boolean): void {
    const lost = [this.second, this.call].filter((s): s is CallSession => s !== null);
    if (lost.length === 0) return;
    for (const s of lost) {
      this.endSession(s);
      try {
        s.leg.hangup();
      } catch {
        // the leg is gone already
      }
    }
    this.lastCause = cause;
    if (announce && this.core.powered) {
      for (const s of lost) this.ccinfo(s, CCINFO_RELEASED);
      this.core.host.urc(['NO CARRIER']);
    }
  }

  ceerText(): string {
    return this.lastCause ? CEER_TEXT[this.lastCause] : 'No cause information available';
  }
}

/** <type> of address: 145 international, 129 otherwise (TS 24.008 §10.5.4.7). */
export function numberType(number: string): number {
  return number.startsWith('+') ? 145 : 129;
}

/** `11:53AM` as SIM7600 prints it in MISSED_CALL (UTC here). */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const m = String(d.getUTCMinutes()).padStart(2, '0');
  return `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}:${m}${h < 12 ? 'AM' : 'PM'}`;
}

/** A call as status() shows it; `held` after AT+CHLD=2 put it on hold (TS 27.007 §7.13). */
export interface CallStatus {
  direction: 'mo' | 'mt';
  number: string;
  state: string;
  held: boolean;
  since: number;
}

export function callStatus(s: CallSession): CallStatus {
  return { direction: s.direction, number: s.number, state: s.state, held: s.held, since: s.startedAt };
}
