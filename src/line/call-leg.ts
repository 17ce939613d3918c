/**
 * The GSM leg of a line's calls: turns what the modem reports (RING, +CLIP, +CLCC lists, NO CARRIER;
 * TS 27.007 §6.9, §7.18) into steps of the call state machine (src/call/call-state.ts), keeps one `Call`
 * (src/call/call.ts) per call, shows the state in the line's status and publishes each step as the
 * line's 'call' event. A step the machine does not allow is ignored where the modem repeats itself
 * (RING every few seconds, +CLCC on every poll), and throws everywhere else.
 */
import { AtCommandError } from '../at/types.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import type { VoiceCallCapability } from '../../modem-drivers/capabilities.js';
import { Call } from '../call/call.js';
import { callTransition, canTransition, type CallEvent, type CallState } from '../call/call-state.js';
import type { LineCallEvent } from '../events.js';
import type { LineStatusBoard, Notify } from './line-status.js';

export interface CallLegOptions {
  lineId: number;
  board: LineStatusBoard;
  now: () => number;
  notify: Notify;
}

export interface DialOptions {
  /** Who asks for the call: `api:<user>`, later `sip:<account>`; default `api`. */
  origin?: string;
}

export class CallLeg {
  /** The current call: when it started, whether it rang, when it was answered, how the modem ended it. */
  private info: { startedAt: number; alerted: boolean; answeredAt: number | null; endReason: string | null } | null = null;
  /** The call on this line now, null while idle. */
  private current: Call | null = null;
  /** Who asked for the outgoing call being dialled. */
  private origin = 'api';
  /** When the last connected call ended (for idleMinutes). */
  lastConnectedEnd: number | null = null;

  constructor(private readonly o: CallLegOptions) {}

  get state(): CallState {
    return this.o.board.st.callState;
  }

  /** ATD; resolves when the modem accepted the call; progress shows in callState. */
  async dial(voice: VoiceCallCapability, number: string, opts: DialOptions = {}): Promise<void> {
    if (this.state !== 'IDLE' && this.state !== 'ACTIVE') throw new Error(`line ${this.o.lineId} is busy (${this.state})`);
    this.origin = opts.origin ?? 'api';
    this.step('dial', number);
    try {
      await voice.dial(number);
    } catch (e) {
      if (this.info && e instanceof AtCommandError) this.info.endReason = e.final.kind;
      if (this.state !== 'IDLE') this.step('ended');
      throw e;
    }
  }

  async answer(voice: VoiceCallCapability): Promise<void> {
    if (this.state !== 'INCOMING') throw new Error(`line ${this.o.lineId} has no incoming call`);
    await voice.answer();
    this.step('answered');
  }

  async hangup(voice: VoiceCallCapability): Promise<void> {
    await voice.hangup();
    this.step('ended');
  }

  /** The connection to the modem ended: a call on it is over. */
  dropped(): void {
    if (this.state !== 'IDLE') this.step('ended');
  }

  /** Follows the modem's call reports. */
  onModemEvent(e: ModemEvent): void {
    switch (e.type) {
      case 'ring':
        if (canTransition(this.state, 'incoming')) this.step('incoming');
        break;
      case 'clip':
        if (canTransition(this.state, 'incoming')) this.step('incoming', e.number);
        break;
      case 'call-ended':
        if (this.info) this.info.endReason = e.reason;
        if (this.state !== 'IDLE') this.step('ended');
        break;
      case 'dtmf':
        // Keys matter only during a call; one reported after its end is dropped.
        if (this.current && this.state !== 'IDLE') this.o.notify('call-dtmf', this.current, e.key);
        break;
      case 'call-state': {
        const voice = e.calls.filter((c) => c.mode === 'voice');
        if (voice.length === 0) {
          if (this.state !== 'IDLE' && this.state !== 'ACTIVE') this.step('ended');
          break;
        }
        const c = voice[0]!;
        if (c.state === 'alerting' && canTransition(this.state, 'alerting')) this.step('alerting');
        else if (c.state === 'active' && canTransition(this.state, 'answered') && this.state !== 'INCOMING') this.step('answered');
        else if ((c.state === 'incoming' || c.state === 'waiting') && this.state === 'IDLE') this.step('incoming', c.number);
        break;
      }
      default:
        break;
    }
  }

  private step(ev: CallEvent, number?: string | null): void {
    const board = this.o.board;
    const from = board.st.callState;
    const to = callTransition(from, ev);
    const now = this.o.now();
    if (from === 'IDLE' && to !== 'IDLE') this.info = { startedAt: now, alerted: false, answeredAt: null, endReason: null };
    const info = this.info;
    if (info && to === 'ALERTING') info.alerted = true;
    if (info && to === 'CONNECTED' && info.answeredAt === null) info.answeredAt = now;
    if (from === 'CONNECTED' && to === 'IDLE') this.lastConnectedEnd = now;
    const callNumber = board.st.callNumber;
    board.update({ callState: to, callNumber: to === 'IDLE' ? null : number ?? board.st.callNumber });
    if (from === 'IDLE' && to !== 'IDLE') {
      this.current = new Call({
        id: `${this.o.lineId}:${now}`,
        direction: ev === 'incoming' ? 'in' : 'out',
        origin: ev === 'incoming' ? 'network' : this.origin,
        gsm: { line: this.o.lineId, slot: board.st.slot, iccid: board.st.sim.iccid, number: number ?? null, cause: null },
        at: now,
      });
    }
    const current = this.current;
    if (!current) return;
    const numberLearned = !!number && !current.gsm.number && !(from === 'IDLE' && to !== 'IDLE');
    if (number && !current.gsm.number) current.gsm.number = number;
    current.apply(ev, now);
    if (to === 'IDLE') {
      current.gsm.cause = info?.endReason ?? null;
      this.current = null;
    }
    if (numberLearned) this.o.notify('call-number', current);
    if (from === to) return;
    const detail: LineCallEvent = { call: current, from, to, event: ev, number: to === 'IDLE' ? callNumber : board.st.callNumber };
    if (info) detail.startedAt = info.startedAt;
    if (to === 'IDLE' && info) {
      detail.alerted = info.alerted;
      detail.answeredAt = info.answeredAt;
      detail.durationSec = info.answeredAt === null ? 0 : Math.round((now - info.answeredAt) / 1000);
      detail.endReason = info.endReason;
      this.info = null;
    }
    this.o.notify('call', detail);
  }
}
