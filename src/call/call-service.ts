/**
 * Every call through the gateway, whichever line it is on: follows each line's GSM calls, keeps the
 * ones in progress, writes each call's record (the only writer of call records) and publishes
 * 'call-started', 'call-changed' and 'call-ended'. An incoming call goes to the CallRouter, whose
 * decision is carried out here. Records are written as the counter store promises: one transaction,
 * fsynced, with whatever the accounting (the SIM policy) changes at that step; 'call-ended' is emitted
 * only after the record is written, so a listener that sees it can read the record back, and the
 * record survives kill -9 from then on.
 */
import { EventEmitter } from 'node:events';
import type { CallEvents, LineCallEvent } from '../events.js';
import type { SlotId } from '../line/types.js';
import type { CounterStore } from '../store/counter-store.js';
import type { CallRecord, StoredCall } from '../store/records.js';
import type { Logger } from '../util/log.js';
import type { AccountingChange, CallAccounting, InterruptedClose } from './call-accounting.js';
import { callRecordOf, openRecordOf } from './call-record.js';
import type { CallRouter, ForwardToVoip, IncomingDecision, VoipLegHandle } from './call-router.js';
import type { CallState } from './call-state.js';
import { viewOfCall, viewOfRecord, type CallView } from './call-view.js';
import { Call } from './call.js';

/** What the service needs of a line: its call steps, a hang-up to carry out a router's rejection, and an answer (ATA) for forwarded calls. */
export interface CallLine {
  readonly id: number;
  on(event: 'call', listener: (step: LineCallEvent) => void): unknown;
  /** The caller's number of a ringing call became known (+CLIP after RING); absent on lines that never say. */
  on(event: 'call-number', listener: (call: Call) => void): unknown;
  /** A key the far end pressed, once detectDtmf() switched detection on; absent on lines that never say. */
  on(event: 'call-dtmf', listener: (call: Call, key: string) => void): unknown;
  hangup(): Promise<void>;
  /** Absent: the line cannot answer, so calls on it are not forwarded. */
  answer?(): Promise<void>;
  /** Switches on the modem's DTMF detection; rejects (or is absent) when the modem has none. */
  detectDtmf?(): Promise<void>;
}

export interface CallServiceOptions {
  store: CounterStore;
  router: CallRouter;
  /** Counts calls (the SIM policy); absent: nothing is counted, records are still written. */
  accounting?: CallAccounting;
  log: Logger;
  now?: () => number;
  /**
   * How long an incoming call whose RING came without a number waits for the caller ID before it is
   * routed (TS 27.007 §7.6: +CLIP follows RING); default 1000 ms. Routing on the bare RING would
   * treat every caller as withheld (caller-prefix forwarding, caller ID toward SIP).
   */
  callerIdWaitMs?: number;
}


/** A request the gateway refused before it reached a modem (e.g. the SIM policy said no). */
export interface RefusedCallRequest {
  line: number;
  slot: SlotId | null;
  iccid: string | null;
  number: string;
  origin: string;
  reason: string;
}

export interface CallPage {
  /** Calls in progress, newest first. */
  active: CallView[];
  /** Recorded calls that ended, newest first, this page of them. */
  items: CallView[];
  /** How many ended calls are recorded in all. */
  total: number;
}

export class CallService extends EventEmitter<CallEvents> {
  private readonly calls = new Map<string, Call>();
  private readonly lines = new Map<number, CallLine>();
  private readonly ringTimers = new Map<string, NodeJS.Timeout>();
  /** Incoming calls waiting for their caller's number before they are routed. */
  private readonly awaitingNumber = new Set<string>();
  /** The VoIP side of each forwarded call in progress. */
  private readonly voipLegs = new Map<string, VoipLegHandle>();
  /** Who hears the keys the caller presses, per forwarded call that asked (two-stage dialling). */
  private readonly keyListeners = new Map<string, (key: string) => void>();
  private readonly now: () => number;
  private lastRefusedAt = 0;
  private router: CallRouter;

  constructor(private readonly o: CallServiceOptions) {
    super();
    // Each call in progress may have its own waiters (a test call on each of up to 64 lines).
    this.setMaxListeners(0);
    this.now = o.now ?? Date.now;
    this.router = o.router;
    this.closeInterrupted();
  }

  /** Routes the incoming calls that start from now on (the SIP side, once it is up, replaces the default router). */
  setRouter(router: CallRouter): void {
    this.router = router;
  }

  /** Follows a line's calls. */
  attach(line: CallLine): void {
    this.lines.set(line.id, line);
    line.on('call', (step) => this.onLineStep(step));
    line.on('call-number', (call) => this.callerKnown(call));
    line.on('call-dtmf', (call, key) => this.keyListeners.get(call.id)?.(key));
  }

  /** Calls in progress, newest first. */
  active(): Call[] {
    return [...this.calls.values()].sort((a, b) => b.times.setup - a.times.setup);
  }

  /** Calls in progress and a page of recorded ones. Throws StoreError when the store fails. */
  list(page: { limit: number; offset: number }): CallPage {
    const now = this.now();
    return {
      active: this.active().map((c) => viewOfCall(c, now)),
      items: this.o.store.queryCdrs({ limit: page.limit, offset: page.offset }).map(viewOfRecord),
      total: this.o.store.countCdrs(),
    };
  }

  /** One call, in progress or recorded; undefined when there is none with this id. */
  get(id: string): CallView | undefined {
    const live = this.calls.get(id);
    if (live) return viewOfCall(live, this.now());
    const stored = this.o.store.getCall(id);
    return stored && viewOfRecord(stored);
  }

  /**
   * Records a call the gateway refused before it reached a modem: published as started and ended,
   * recorded with outcome `refused`; the accounting does not see it (it counts nothing).
   */
  refuse(req: RefusedCallRequest): Call {
    // Strictly increasing times keep ids unique when two requests are refused in the same millisecond.
    const at = Math.max(this.now(), this.lastRefusedAt + 1);
    this.lastRefusedAt = at;
    const call = new Call({
      id: `${req.line}:${at}:refused`,
      direction: 'out',
      origin: req.origin,
      gsm: { line: req.line, slot: req.slot, iccid: req.iccid, number: req.number, cause: null },
      at,
    });
    call.gatewayCause = `refused: ${req.reason}`;
    this.emit('call-started', call);
    call.apply('ended', at);
    this.write(`recording refused call ${call.id}`, () => this.o.store.recordCall(callRecordOf(call, 0)), null);
    this.emit('call-ended', call);
    return call;
  }

  /** Cancels pending ring timeouts (the lines' calls end with the lines). */
  stop(): void {
    for (const t of this.ringTimers.values()) clearTimeout(t);
    this.ringTimers.clear();
  }

  private onLineStep(step: LineCallEvent): void {
    // A throw here would stop the line's other listeners: log instead.
    try {
      if (step.from === 'IDLE' && step.to !== 'IDLE') this.started(step.call, step.waiting === true);
      else if (step.to === 'IDLE') this.ended(step.call, step.from);
      else this.changed(step.call, step.from);
    } catch (e) {
      this.o.log.error({ err: e, call: step.call.id, from: step.from, to: step.to }, 'call step not handled');
    }
  }

  /** A call that waited (call waiting) is recorded but not routed: the line's call-waiting mode decides on it. */
  private started(call: Call, waiting: boolean): void {
    this.calls.set(call.id, call);
    const change = this.accounting({ kind: 'started', call });
    this.write(`opening call ${call.id}`, () => this.o.store.beginCall(openRecordOf(call), change?.updates ?? []), change);
    this.emit('call-started', call);
    if (call.direction === 'in' && !waiting) this.routeOnceCallerKnown(call, this.o.callerIdWaitMs ?? 1000);
  }

  /**
   * Routes an incoming call once its number is known: at once when RING came with it, else when the
   * line reports +CLIP (`call-number`), at the latest after the wait (a withheld number never comes).
   * The wait sits among the ring timers so the call's end clears it.
   */
  private routeOnceCallerKnown(call: Call, waitMs: number): void {
    if (call.ended) return;
    if (call.gsm.number !== null || waitMs <= 0) return this.routeIncoming(call);
    this.awaitingNumber.add(call.id);
    this.ringTimers.set(
      call.id,
      setTimeout(() => {
        this.ringTimers.delete(call.id);
        if (this.awaitingNumber.delete(call.id) && !call.ended) this.routeIncoming(call);
      }, waitMs),
    );
  }

  private callerKnown(call: Call): void {
    if (!this.awaitingNumber.delete(call.id) || call.ended) return;
    this.clearRingTimer(call.id);
    this.routeIncoming(call);
  }

  private changed(call: Call, from: CallState): void {
    const change = this.accounting({ kind: 'changed', call, from });
    if (change) this.write(`saving the state of call ${call.id}`, () => this.o.store.saveStates(change.updates), change);
    this.emit('call-changed', call, from);
  }

  private ended(call: Call, from: CallState): void {
    this.clearRingTimer(call.id);
    this.keyListeners.delete(call.id);
    this.endVoipLeg(call);
    const change = this.accounting({ kind: 'ended', call, from });
    const record = callRecordOf(call, change?.billedSec ?? 0);
    this.write(`recording call ${call.id}`, () => this.o.store.recordCall(record, change?.updates ?? []), change);
    this.calls.delete(call.id);
    this.o.log.info({ call: call.id, line: call.gsm.line, direction: call.direction, outcome: record.outcome, cause: record.cause, durationSec: record.durationS }, 'call ended');
    this.emit('call-ended', call);
  }

  private accounting(step: Parameters<CallAccounting['callStep']>[0]): AccountingChange | null {
    if (!this.o.accounting) return null;
    try {
      return this.o.accounting.callStep(step);
    } catch (e) {
      this.o.log.error({ err: e, call: step.call.id, step: step.kind }, 'call accounting failed; the step is recorded without it');
      return null;
    }
  }

  /** Writes; when that worked, commits the accounting's change. A failed write is logged and not applied. */
  private write(doing: string, fn: () => unknown, change: AccountingChange | null): boolean {
    try {
      fn();
    } catch (e) {
      this.o.log.error({ err: (e as Error).message }, `${doing} failed; not recorded`);
      return false;
    }
    change?.commit();
    return true;
  }

  private routeIncoming(call: Call): void {
    let decision: IncomingDecision;
    try {
      decision = this.router.route(call);
    } catch (e) {
      this.o.log.error({ err: e, call: call.id }, 'call router failed; the call rings until the caller gives up');
      return;
    }
    if (decision.action === 'forward') return this.forward(call, decision);
    const timer = setTimeout(() => this.reject(call, decision.cause), Math.max(0, decision.afterMs));
    this.ringTimers.set(call.id, timer);
  }

  /**
   * Carries out a forward: the VoIP side rings while the GSM call does; its answer answers the GSM
   * call (ATA), its failure rejects it, its BYE hangs it up; the GSM call's end ends the VoIP side.
   */
  private forward(call: Call, decision: ForwardToVoip): void {
    const line = this.lines.get(call.gsm.line);
    call.voip = { peer: decision.peer, cause: null };
    const control = {
      answerGsm: () => this.answerForwarded(call),
      detectKeys: async (onKey: (key: string) => void) => {
        if (!line?.detectDtmf) throw new Error(`line ${call.gsm.line} cannot detect DTMF keys`);
        await line.detectDtmf();
        if (!call.ended) this.keyListeners.set(call.id, onKey);
      },
      rejectGsm: (voipCause: string, gatewayCause: string) => {
        this.voipLegs.delete(call.id);
        if (call.voip) call.voip.cause = voipCause;
        this.reject(call, gatewayCause);
      },
      hangUpGsm: (voipCause: string) => {
        this.voipLegs.delete(call.id);
        if (call.voip) call.voip.cause = voipCause;
        if (call.ended || !line) return;
        line.hangup().catch((e: Error) => this.o.log.warn({ call: call.id, err: e.message }, 'cannot hang up the GSM side after the VoIP side hung up'));
      },
    };
    try {
      this.voipLegs.set(call.id, decision.start(control));
    } catch (e) {
      this.o.log.error({ err: e, call: call.id }, 'forwarding failed to start; the call rings until the caller gives up');
    }
  }

  private async answerForwarded(call: Call): Promise<boolean> {
    const line = this.lines.get(call.gsm.line);
    if (call.ended) return false;
    if (!line?.answer) {
      this.reject(call, 'forwarded call answered on the VoIP side, but the line cannot answer');
      return false;
    }
    try {
      await line.answer();
    } catch (e) {
      this.o.log.warn({ call: call.id, err: (e as Error).message }, 'cannot answer the forwarded GSM call');
      this.reject(call, `forwarded call answered on the VoIP side, but answering the GSM call failed: ${(e as Error).message}`);
      return false;
    }
    return !call.ended;
  }

  /** The GSM call ended: CANCEL or BYE its VoIP side, and keep that side's cause for the record. */
  private endVoipLeg(call: Call): void {
    const leg = this.voipLegs.get(call.id);
    if (!leg) return;
    this.voipLegs.delete(call.id);
    try {
      const cause = leg.gsmEnded();
      if (call.voip && call.voip.cause === null) call.voip.cause = cause;
    } catch (e) {
      this.o.log.error({ err: e, call: call.id }, 'ending the VoIP side failed');
    }
  }

  /** Hangs up an incoming call that is still ringing (TS 27.007 §6.5 +CHUP / V.250 H through the line). */
  private reject(call: Call, cause: string): void {
    this.ringTimers.delete(call.id);
    if (call.ended) return;
    const line = this.lines.get(call.gsm.line);
    if (!line) return;
    // Set before the hang-up: the line ends the call (and this service records it) as the hang-up completes.
    call.gatewayCause = cause;
    this.o.log.info({ call: call.id, line: call.gsm.line, number: call.gsm.number, cause }, 'rejecting an incoming call');
    line.hangup().catch((e: Error) => {
      if (!call.ended) call.gatewayCause = null;
      this.o.log.warn({ call: call.id, err: e.message }, 'cannot reject the incoming call; it rings until the caller gives up');
    });
  }

  private clearRingTimer(id: string): void {
    this.awaitingNumber.delete(id);
    const t = this.ringTimers.get(id);
    if (t) clearTimeout(t);
    this.ringTimers.delete(id);
  }

  /**
   * Calls the store holds open from before a restart (the daemon died during them) end now, as
   * `interrupted`: the accounting says when they were last known up and counts them.
   */
  private closeInterrupted(): void {
    for (const open of this.o.store.openCalls()) {
      const close = this.interruptedClose(open);
      const record: CallRecord = {
        id: open.id,
        line: open.line,
        slot: open.slot,
        iccid: open.iccid,
        direction: open.direction,
        number: open.number,
        startedAt: open.startedAt,
        alertedAt: open.alertedAt,
        answeredAt: close.answeredAt,
        endedAt: close.endedAt,
        durationS: close.durationSec,
        billedS: close.billedSec,
        cause: 'interrupted',
        origin: open.origin,
        outcome: close.answeredAt !== null ? 'answered' : open.direction === 'in' ? 'missed' : 'failed',
        gsmCause: null,
        voipCause: null,
        gatewayCause: 'interrupted by a restart of the gateway',
      };
      this.o.log.warn({ line: open.line, call: open.id, durationSec: close.durationSec }, 'closing a call interrupted by a restart');
      this.write(`closing interrupted call ${open.id}`, () => this.o.store.recordCall(record, close.change?.updates ?? []), close.change);
    }
  }

  private interruptedClose(open: StoredCall): InterruptedClose {
    if (this.o.accounting) {
      try {
        return this.o.accounting.closeInterrupted(open);
      } catch (e) {
        this.o.log.error({ err: e, call: open.id }, 'call accounting failed on an interrupted call');
      }
    }
    return { answeredAt: open.answeredAt, endedAt: Math.max(open.startedAt, open.answeredAt ?? 0), durationSec: 0, billedSec: 0, change: null };
  }
}
