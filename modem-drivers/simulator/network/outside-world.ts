/**
 * Everything beyond the simulated SIMs: fixed lines, other networks, service numbers. Decides how an
 * outside party behaves when a SIM calls it (per number pattern), keeps the SMS that SIMs send to
 * outside numbers, and lets a test or the demo call or text a SIM from outside.
 *
 * Special test numbers (any number of at least 7 digits ending in ...):
 *   0000  busy                          9999  rings, never answers (NO ANSWER after noAnswerMs)
 *   8888  rejects after ringing         7777  unreachable (not in service; SMS fail with TP-ST 0x43)
 *   1000  answers, plays a 1000 Hz tone 0425  answers, plays a 425 Hz tone
 *   5555  answers, echoes, hangs up after 5 s
 * Every other outside number answers after ringMs and echoes the audio back. Rules added with
 * addRule() take precedence over these. What an answering party does with the audio (echo with delay
 * and loss, tone, file playback, recording) is party-audio.ts.
 */
import type { Alphabet, ConcatInfo, MessageClass } from '../../../src/gsm/index.js';
import type { CallLeg } from '../types.js';
import type { OutsideAudio } from './party-audio.js';

export { attachOutsideAudio, recordingOf, type OutsideAudio, type PartyRecording } from './party-audio.js';

export type OutsideBehaviour =
  /** Answers after `ringMs` (default: timing.ringMs); optionally hangs up `hangupAfterMs` after answering. */
  | { kind: 'answer'; audio?: OutsideAudio; ringMs?: number; hangupAfterMs?: number }
  /** Busy at once. */
  | { kind: 'busy' }
  /** Rings until the network gives up (no-answer). */
  | { kind: 'no-answer' }
  /** Rings for `ringMs`, then turns the call down ('rejected'). */
  | { kind: 'reject'; ringMs?: number }
  /** Not reachable ('unreachable' for calls, TP-ST 0x43 for SMS). */
  | { kind: 'unreachable' }
  /** Rings; the party's leg (from onCall) is answered or hung up by the test. */
  | { kind: 'manual' };

export interface OutsideRule {
  /** A RegExp tested on the number as routed ("+86...", or a short code), or an exact number. */
  pattern: RegExp | string;
  behaviour: OutsideBehaviour;
}

export const SPECIAL_NUMBER_RULES: readonly OutsideRule[] = [
  { pattern: /\d{3}0000$/, behaviour: { kind: 'busy' } },
  { pattern: /\d{3}9999$/, behaviour: { kind: 'no-answer' } },
  { pattern: /\d{3}8888$/, behaviour: { kind: 'reject' } },
  { pattern: /\d{3}7777$/, behaviour: { kind: 'unreachable' } },
  { pattern: /\d{3}1000$/, behaviour: { kind: 'answer', audio: { toneHz: 1000 } } },
  { pattern: /\d{3}0425$/, behaviour: { kind: 'answer', audio: { toneHz: 425 } } },
  { pattern: /\d{3}5555$/, behaviour: { kind: 'answer', audio: 'echo', hangupAfterMs: 5000 } },
];

export const DEFAULT_OUTSIDE_BEHAVIOUR: OutsideBehaviour = { kind: 'answer', audio: 'echo' };

/** An SMS a SIM sent to an outside number (one entry per part). */
export interface OutsideSms {
  time: number;
  /** The sender's MSISDN. */
  from: string;
  /** The destination as routed. */
  to: string;
  text: string;
  encoding: Alphabet;
  concat?: ConcatInfo;
  /** TP-MR the network gave the part. */
  mr: number;
  statusReportRequested: boolean;
  /** The SMS-SUBMIT TPDU as submitted (hex). */
  tpdu: string;
  /** Its place among every part recorded since the simulator started (1, 2, …): a reader pages by it. */
  seq: number;
}

/** Parts in the inbox grouped into messages. */
export interface OutsideMessage {
  time: number;
  from: string;
  to: string;
  text: string;
  parts: number;
  complete: boolean;
}

export interface OutsideSmsOptions {
  /** Sender: a number ("+8613912345678", "10086") or an alphanumeric name ("BANK", at most 11 GSM characters). */
  from: string;
  /** The SIM's number. */
  to: string;
  /** Text, split into concatenated parts as needed (exclusive with `pdu`). */
  text?: string;
  /** 'auto' (default): GSM 7-bit when every character fits, else UCS2. */
  encoding?: 'auto' | 'gsm7' | 'ucs2';
  /** Raw SMS-DELIVER(s) in hex, with or without the SMSC field in front (detected), delivered as is. */
  pdu?: string | string[];
  /** The SMSC the message comes through (default: the recipient SIM's). */
  smsc?: string;
  class?: MessageClass | 'flash';
}

export type OutsideSmsResult = { ok: true; parts: number; stored: boolean } | { ok: false; error: string };

export interface OutsideCallOptions {
  /** What the outside caller sends once the SIM answers (default 'silence': the test drives the leg). */
  audio?: OutsideAudio;
  /** Present no caller id. */
  withheld?: boolean;
}

export interface OutsideHost {
  placeCall(from: string, to: string, opts: OutsideCallOptions): CallLeg;
  sendSms(opts: OutsideSmsOptions): OutsideSmsResult;
}

type CallListener = (leg: CallLeg, info: { from: string; to: string; behaviour: OutsideBehaviour }) => void;
type SmsListener = (sms: OutsideSms) => void;

export class OutsideWorld {
  /** SMS parts sent by SIMs to outside numbers, oldest first (the last `inboxLimit` kept). */
  readonly inbox: OutsideSms[] = [];
  /** Parts recorded since the start, including those the inbox no longer keeps. */
  private recorded = 0;
  private rules: OutsideRule[] = [];
  private callListeners: readonly CallListener[] = [];
  private smsListeners: readonly SmsListener[] = [];

  constructor(
    private readonly host: OutsideHost,
    rules: readonly OutsideRule[] = [],
    private readonly inboxLimit = 1000,
    private readonly onListenerError: (e: unknown) => void = () => {},
  ) {
    for (const r of rules) this.addRule(r.pattern, r.behaviour);
  }

  /** Adds a rule ahead of the earlier ones and of the special numbers. */
  addRule(pattern: RegExp | string, behaviour: OutsideBehaviour): void {
    this.rules.unshift({ pattern, behaviour });
  }

  clearRules(): void {
    this.rules = [];
  }

  behaviourFor(number: string): OutsideBehaviour {
    for (const list of [this.rules, SPECIAL_NUMBER_RULES]) {
      for (const r of list) {
        if (typeof r.pattern === 'string' ? r.pattern === number : testRegExp(r.pattern, number)) return r.behaviour;
      }
    }
    return DEFAULT_OUTSIDE_BEHAVIOUR;
  }

  /** An outside caller calls a SIM; returns the caller's leg ('mo'). */
  call(from: string, to: string, opts: OutsideCallOptions = {}): CallLeg {
    return this.host.placeCall(from, to, opts);
  }

  /** An outside sender texts a SIM. Never throws. */
  sms(opts: OutsideSmsOptions): OutsideSmsResult {
    return this.host.sendSms(opts);
  }

  /** Calls from SIMs that reached an outside party: the party's leg ('mt'), to drive or listen to. */
  onCall(listener: CallListener): () => void {
    this.callListeners = [...this.callListeners, listener];
    return () => {
      this.callListeners = this.callListeners.filter((l) => l !== listener);
    };
  }

  onSms(listener: SmsListener): () => void {
    this.smsListeners = [...this.smsListeners, listener];
    return () => {
      this.smsListeners = this.smsListeners.filter((l) => l !== listener);
    };
  }

  /** Parts recorded since the start (the `seq` of the latest one). */
  get recordedParts(): number {
    return this.recorded;
  }

  /** The inbox parts recorded after part number `afterSeq` (all with 0). */
  partsAfter(afterSeq: number): OutsideSms[] {
    // seq grows by one per part and the inbox keeps the latest ones in order: the first wanted part's index.
    const oldest = this.inbox[0]?.seq ?? this.recorded + 1;
    return this.inbox.slice(Math.max(0, afterSeq + 1 - oldest));
  }

  /** The inbox (or the given parts of it) grouped into messages (concatenated parts joined in part order). */
  messages(parts: readonly OutsideSms[] = this.inbox): OutsideMessage[] {
    const out: OutsideMessage[] = [];
    const open = new Map<string, { msg: OutsideMessage; texts: string[] }>();
    for (const p of parts) {
      if (!p.concat || p.concat.total < 2) {
        out.push({ time: p.time, from: p.from, to: p.to, text: p.text, parts: 1, complete: true });
        continue;
      }
      const key = `${p.from}|${p.to}|${p.concat.refBits}:${p.concat.ref}|${p.concat.total}`;
      let g = open.get(key);
      if (!g || g.texts[p.concat.seq - 1] !== undefined) {
        g = { msg: { time: p.time, from: p.from, to: p.to, text: '', parts: p.concat.total, complete: false }, texts: [] };
        open.set(key, g);
        out.push(g.msg);
      }
      g.texts[p.concat.seq - 1] = p.text;
      g.msg.text = g.texts.filter((t) => t !== undefined).join('');
      g.msg.complete = g.texts.filter((t) => t !== undefined).length === p.concat.total;
    }
    return out;
  }

  /** Network side: a SIM's SMS reached an outside number. */
  record(part: Omit<OutsideSms, 'seq'>): void {
    const sms: OutsideSms = { ...part, seq: ++this.recorded };
    this.inbox.push(sms);
    if (this.inbox.length > this.inboxLimit) this.inbox.shift();
    for (const l of this.smsListeners) {
      try {
        l(sms);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  /** Network side: a SIM's call is ringing at an outside party. */
  announceCall(leg: CallLeg, from: string, to: string, behaviour: OutsideBehaviour): void {
    for (const l of this.callListeners) {
      try {
        l(leg, { from, to, behaviour });
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }
}

function testRegExp(re: RegExp, s: string): boolean {
  re.lastIndex = 0; // a global or sticky RegExp keeps state between test() calls
  return re.test(s);
}

