/**
 * A call between two legs: the originating leg `a` (a UE's MO leg, or an outside caller) and the
 * terminating leg `b` (a UE's MT leg, or an outside party), which exists once the call is offered.
 *
 * Leg states (the CallLegState of ../types.ts): a: dialing → alerting → active → ended;
 * b: incoming → active → ended. A leg never leaves 'ended'; listeners hear each change once.
 * Answer and hang-up take effect at once on both legs (the network's connect and release delays are
 * not modelled); what takes time (set-up, ringing, no-answer) is timed by the call's TimerBag, which
 * is cancelled when the call ends.
 */
import type { CallEndCause, CallLeg, CallLegState, Clock } from '../types.js';
import { TimerBag } from './timer-bag.js';

type StateListener = (state: CallLegState, cause?: CallEndCause) => void;
type AudioListener = (frame: Int16Array) => void;
type DtmfListener = (key: string) => void;

/** DTMF keys (ITU-T Q.23): the sixteen a keypad can send. */
const DTMF_KEY = /^[0-9*#A-D]$/;

const NO_STATE: readonly StateListener[] = [];
const NO_AUDIO: readonly AudioListener[] = [];
const NO_DTMF: readonly DtmfListener[] = [];

export class SimLeg implements CallLeg {
  private s: CallLegState;
  private endCause: CallEndCause | undefined;
  peer: SimLeg | null = null;
  // Copy-on-write listener arrays: emitting allocates nothing and a listener may unsubscribe itself.
  private stateListeners: readonly StateListener[] = NO_STATE;
  private audioListeners: readonly AudioListener[] = NO_AUDIO;
  private dtmfListeners: readonly DtmfListener[] = NO_DTMF;

  constructor(
    readonly id: number,
    readonly direction: 'mo' | 'mt',
    readonly remote: string,
    initial: CallLegState,
    /** Network side: the call this leg belongs to. */
    readonly call: Call,
  ) {
    this.s = initial;
  }

  get state(): CallLegState {
    return this.s;
  }

  /** Why the leg ended (undefined until it has). */
  get cause(): CallEndCause | undefined {
    return this.endCause;
  }

  answer(): void {
    this.call.answer(this);
  }

  hangup(): void {
    this.call.hangup(this);
  }

  onState(listener: StateListener): () => void {
    if (typeof listener !== 'function') return () => {};
    this.stateListeners = [...this.stateListeners, listener];
    return () => {
      this.stateListeners = this.stateListeners.filter((l) => l !== listener);
    };
  }

  /** Audio goes to the other leg only while both are active; otherwise it is dropped. */
  sendAudio(frame: Int16Array): void {
    const p = this.peer;
    if (this.s !== 'active' || p === null || p.s !== 'active' || !(frame instanceof Int16Array)) return;
    p.hear(frame);
  }

  /**
   * Network side: audio the network itself plays to this leg (in-band ringback while an outgoing call
   * alerts, ringback.ts), heard whatever the other leg's state.
   */
  hearFromNetwork(frame: Int16Array): void {
    if (this.s !== 'ended') this.hear(frame);
  }

  /** Hands a frame to this leg's audio listeners. */
  private hear(frame: Int16Array): void {
    const ls = this.audioListeners;
    for (let i = 0; i < ls.length; i++) {
      try {
        ls[i]!(frame);
      } catch (e) {
        this.call.listenerError(e);
      }
    }
  }

  onAudio(listener: AudioListener): () => void {
    if (typeof listener !== 'function') return () => {};
    this.audioListeners = [...this.audioListeners, listener];
    return () => {
      this.audioListeners = this.audioListeners.filter((l) => l !== listener);
    };
  }

  /** Keys go to the other leg only while both are active (a tone before the answer is not carried). */
  sendDtmf(keys: string): void {
    const p = this.peer;
    if (typeof keys !== 'string' || this.s !== 'active' || p === null || p.s !== 'active') return;
    for (const key of keys.toUpperCase()) {
      if (!DTMF_KEY.test(key)) continue;
      for (const listener of p.dtmfListeners) {
        try {
          listener(key);
        } catch (e) {
          this.call.listenerError(e);
        }
      }
    }
  }

  onDtmf(listener: DtmfListener): () => void {
    if (typeof listener !== 'function') return () => {};
    this.dtmfListeners = [...this.dtmfListeners, listener];
    return () => {
      this.dtmfListeners = this.dtmfListeners.filter((l) => l !== listener);
    };
  }

  /** Network side: moves the leg to `state` and tells the listeners. No-op once ended or unchanged. */
  setState(state: CallLegState, cause?: CallEndCause): void {
    if (this.s === 'ended' || this.s === state) return;
    this.s = state;
    if (state === 'ended') this.endCause = cause ?? 'normal';
    const ls = this.stateListeners;
    for (let i = 0; i < ls.length; i++) {
      try {
        if (state === 'ended') ls[i]!(state, this.endCause);
        else ls[i]!(state);
      } catch (e) {
        this.call.listenerError(e);
      }
    }
    if (state === 'ended') {
      this.stateListeners = NO_STATE;
      this.audioListeners = NO_AUDIO;
      this.dtmfListeners = NO_DTMF;
    }
  }
}

export interface CallHooks {
  /** A listener threw: report it; the network carries on. */
  listenerError(e: unknown): void;
  /** The call is over (both legs ended). */
  ended(call: Call): void;
}

export class Call {
  readonly timers: TimerBag;
  a!: SimLeg;
  b: SimLeg | null = null;
  private noAnswerTimer: { cancel(): void } | null = null;
  private over = false;

  constructor(
    clock: Clock,
    private readonly hooks: CallHooks,
  ) {
    this.timers = new TimerBag(clock);
  }

  get ended(): boolean {
    return this.over;
  }

  createA(id: number, remote: string): SimLeg {
    this.a = new SimLeg(id, 'mo', remote, 'dialing', this);
    return this.a;
  }

  /** Offers the call: creates the terminating leg and puts the originating one in 'alerting'. */
  createB(id: number, remote: string): SimLeg {
    const b = new SimLeg(id, 'mt', remote, 'incoming', this);
    this.b = b;
    b.peer = this.a;
    this.a.peer = b;
    return b;
  }

  /** Starts the no-answer supervision (the caller gives up with 'no-answer'). */
  superviseAnswer(ms: number): void {
    this.noAnswerTimer = this.timers.schedule(() => this.end('no-answer', 'no-answer'), ms);
  }

  answer(leg: SimLeg): void {
    // Only the terminating leg answers, and only while it rings (contract: MT legs in 'incoming').
    if (this.over || leg !== this.b || leg.state !== 'incoming') return;
    this.noAnswerTimer?.cancel();
    this.noAnswerTimer = null;
    leg.setState('active');
    this.a.setState('active');
  }

  hangup(leg: SimLeg): void {
    if (this.over || (leg !== this.a && leg !== this.b)) return;
    if (leg === this.b && leg.state === 'incoming') {
      // The called party turns the call down while it rings: the caller hears busy, as a handset's
      // user-determined busy does (TS 24.008 cause #17); the rejecting side just stops ringing.
      this.end('busy', 'normal', leg);
      return;
    }
    this.end('normal', 'normal', leg);
  }

  /**
   * Ends the call: `causeA` for the originating leg, `causeB` for the terminating one. The leg that
   * caused the end (if any) hears it first.
   */
  end(causeA: CallEndCause, causeB: CallEndCause = causeA, first?: SimLeg): void {
    if (this.over) return;
    this.over = true;
    this.timers.cancelAll();
    this.noAnswerTimer = null;
    const b = this.b;
    if (first && first === b) {
      b.setState('ended', causeB);
      this.a.setState('ended', causeA);
    } else {
      this.a.setState('ended', causeA);
      b?.setState('ended', causeB);
    }
    this.hooks.ended(this);
  }

  listenerError(e: unknown): void {
    this.hooks.listenerError(e);
  }
}
