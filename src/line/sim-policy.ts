/**
 * Runs the pure SIM policy engine (src/policy) against the live lines: feeds it what the lines report
 * (SIM bound, SMS sent, network time), the steps of calls as the call service hands them over (it is
 * the service's CallAccounting) and time passing; keeps its state durable in the counter store (written
 * in the same transaction as the CDR or SMS record that changed it), and carries out its decisions
 * (bind or switch a slot, hang up). I/O lives here; every rule lives in the engine.
 */
import { type Config } from '../config/schema.js';
import {
  canCall,
  canSendSms,
  isUsable,
  decide,
  defaultPolicyConfig,
  initialPolicyState,
  nextDeadline,
  parseLimit,
  billedSeconds,
  chooseSlot,
  isLastResort,
  type Decision,
  type LimitSpec,
  type PolicyConfig,
  type PolicyEvent,
  type PolicyState,
  type SlotId,
} from '../policy/index.js';
import { POLICY_HEADER_KEY, PolicyDocuments, readPolicyDocuments } from '../policy/state-documents.js';
import type { AccountingChange, CallAccounting, CallStep, InterruptedClose } from '../call/call-accounting.js';
import { gsmEndCause } from '../call/call-record.js';
import type { CounterStore } from '../store/counter-store.js';
import type { StateUpdate, StoredCall } from '../store/records.js';
import type { Logger } from '../util/log.js';
import type { Line } from './line.js';
import { NoNetworkWatch } from './no-network-watch.js';

/** Ticks at least this often (windows, cycles and the 04:10 statistics day turn over between deadlines). */
const TICK_MS = 60_000;
/** A system clock before this is not set (no RTC, no NTP yet): window and monthly limits stay closed. */
const TRUSTED_AFTER = Date.UTC(2025, 0, 1);

export function policyConfigOf(cfg: Config): PolicyConfig {
  const p = cfg.policy;
  const limit = (t: string | undefined): LimitSpec | null => {
    if (t === undefined) return null;
    const r = parseLimit(t);
    if (!r.ok) throw new Error(`policy limit "${t}": ${r.error}`); // the schema already refused it
    return r.value;
  };
  return defaultPolicyConfig({
    timezone: cfg.device.timezone,
    billingPeriodSec: p.billingPeriodSec,
    onMinutesExhausted: p.onMinutesExhausted,
    onSmsExhausted: p.onSmsExhausted,
    shortCallSec: p.shortCallSec,
    limits: {
      callMinutes: limit(p.limits.callMinutes),
      callCount: limit(p.limits.callCount),
      callCountIncludesUnanswered: p.limits.callCountIncludesUnanswered,
      smsCount: limit(p.limits.smsCount),
    },
    slotLimits: Object.fromEntries(
      Object.entries(p.slotLimits).map(([key, l]) => [
        key,
        Object.fromEntries(
          (['callMinutes', 'callCount', 'smsCount'] as const).filter((k) => l[k] !== undefined).map((k) => [k, l[k] === null ? null : limit(l[k]!)]),
        ),
      ]),
    ),
    switchRules: { ...p.switchRules, triggers: { ...p.switchRules.triggers } },
    disableRules: p.disableRules.map((r) => ({ ...r })),
    unusableAfterNoNetworkMinutes: p.unusableAfterNoNetworkMinutes,
  });
}

export interface SimPolicyOptions {
  /** The rules; replaced at run time by reconfigure(). */
  config: PolicyConfig;
  store: CounterStore;
  log: Logger;
  now?: () => number;
}

/**
 * The policy counts calls through the call service (src/call): it is the service's CallAccounting, so
 * its state is written in the same transaction as each call's record. Only outgoing calls count
 * against a SIM's limits and rules.
 */
export class SimPolicy implements CallAccounting {
  private state: PolicyState;
  /** Which of the state's documents are durable (src/policy/state-documents.ts). */
  private readonly documents: PolicyDocuments;
  /** The last moment the daemon was known alive before this start (the state is saved at least every minute). */
  private readonly lastAlive: number;
  private readonly lines = new Map<string, Line>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  /** Correction of the system clock from the network's time, while the system clock is not set. */
  private offset = 0;
  /** Lines whose card is ready but finds no network (policy.unusableAfterNoNetworkMinutes). */
  private readonly noNetwork = new NoNetworkWatch({
    afterMs: () => (this.o.config.unusableAfterNoNetworkMinutes ?? 5) * 60_000,
    now: () => Date.now(),
    noNetwork: (lineId, slot, ms) =>
      this.feed({ type: 'slot-unusable', line: String(lineId), slot, reason: 'no-network', detail: `SIM in slot ${slot} found no network for ${Math.round(ms / 60_000)} min` }),
    registered: (lineId, slot) => {
      if (this.state.lines[String(lineId)]?.slots[slot]?.unusable?.reason === 'no-network') this.feed({ type: 'network-found', line: String(lineId), slot });
    },
  });

  constructor(private readonly o: SimPolicyOptions) {
    const sys = o.now ?? Date.now;
    this.now = () => sys() + this.offset;
    const stored = o.store.loadStates();
    const saved = readPolicyDocuments(new Map([...stored.values()].map((s) => [s.key, s.json])));
    this.state = saved?.state ?? initialPolicyState({ timeTrusted: false, seed: Date.now() & 0xffff });
    this.documents = new PolicyDocuments(saved?.state ?? null, saved?.whole ?? false);
    const trusted = this.now() >= TRUSTED_AFTER;
    if (trusted !== this.state.timeTrusted) this.feed({ type: 'time-trust', trusted, source: trusted ? 'system clock' : 'system clock not set' });
    // Every event writes the header, so its time is the last the daemon was known alive.
    this.lastAlive = stored.get(POLICY_HEADER_KEY)?.updatedAt ?? this.now();
  }

  /**
   * A card was inserted (iccid) or removed (null) in a slot, as card-detect hardware reports it. A new
   * card resets the slot's remaining counts; in a disabled slot it shows brown until an operator
   * confirms it (manual §3.2.3, §4.8).
   */
  cardChanged(lineId: number, slot: SlotId, iccid: string | null): void {
    this.feed({ type: 'sim-card-changed', line: String(lineId), slot, iccid });
  }

  /** New rules (a configuration change through the API): they apply from the next event on. */
  reconfigure(config: PolicyConfig): void {
    this.o.config = config;
    this.feed({ type: 'tick' });
  }

  get config(): PolicyConfig {
    return this.o.config;
  }

  /** The slot a line should bind at bring-up; null when none is usable. */
  choose(lineId: number, available: readonly SlotId[]): SlotId | null {
    const line = String(lineId);
    const bound = this.state.lines[line]?.bound ?? null;
    const now = this.now();
    // Keep the card the engine considers bound (a restart must not rotate SIMs), if it is still usable.
    if (bound && available.includes(bound) && canCall(this.o.config, this.state, now, line, bound).ok) return bound;
    const pick = chooseSlot(this.o.config, this.state, now, line, Math.random);
    if (pick && available.includes(pick)) return pick;
    // The strategy picked a slot this line's switch cannot select: the first selectable one that may call,
    // else one that is merely usable (not disabled, not empty): it can still receive calls and SMS.
    return (
      available.find((s) => canCall(this.o.config, this.state, now, line, s).ok) ??
      available.find((s) => {
        const sim = this.state.lines[line]?.slots[s];
        return !sim || isUsable(sim, now);
      }) ??
      // Nothing usable: a slot whose mark may have passed (no network) beats no SIM at all.
      available.find((s) => {
        const sim = this.state.lines[line]?.slots[s];
        return sim !== undefined && isLastResort(sim) && sim.presence !== 'empty';
      }) ??
      null
    );
  }

  private smsSeq = 0;

  /** Whether the line's bound SIM may send an SMS now, and why not. */
  maySendSms(lineId: number): { ok: true } | { ok: false; reason: string } {
    const line = String(lineId);
    const slot = this.state.lines[line]?.bound;
    if (!slot) return { ok: false, reason: `line ${lineId} has no SIM bound` };
    return canSendSms(this.o.config, this.state, this.now(), line, slot);
  }

  /** Whether the line's bound SIM may place a call now, and why not. */
  mayCall(lineId: number): { ok: true } | { ok: false; reason: string } {
    const line = String(lineId);
    const slot = this.state.lines[line]?.bound;
    if (!slot) return { ok: false, reason: `line ${lineId} has no SIM bound` };
    return canCall(this.o.config, this.state, this.now(), line, slot);
  }

  /** An operator's action (enable/disable a slot, force a switch, reset statistics): durable, then applied. */
  operator(event: Extract<PolicyEvent, { type: 'operator-enable' | 'operator-disable' | 'operator-switch' | 'reset-stats' }>): void {
    this.feed(event);
  }

  private rr = 0;

  /**
   * Line selection for an outgoing call (manual §4.4): among registered idle lines whose bound SIM the
   * engine lets call, round-robin by line, or the SIM with the fewest billed minutes first. Null when
   * none can take the call.
   */
  pickLine(candidates: readonly Pick<Line, 'id' | 'status'>[], mode: 'round-robin' | 'least-minutes' = 'round-robin'): number | null {
    const ok = candidates
      .filter((l) => {
        const st = l.status();
        return st.lifecycle === 'registered' && st.callState === 'IDLE' && this.mayCall(l.id).ok;
      })
      .map((l) => l.id)
      .sort((a, b) => a - b);
    if (ok.length === 0) return null;
    if (mode === 'least-minutes') {
      const billed = (id: number) => {
        const line = this.state.lines[String(id)];
        const slot = line?.bound;
        return slot ? line!.slots[slot].cdr.billedSec : 0;
      };
      return ok.reduce((best, id) => (billed(id) < billed(best) ? id : best), ok[0]!);
    }
    // round-robin: the first eligible line after the one chosen last time
    const next = ok.find((id) => id > this.rr) ?? ok[0]!;
    this.rr = next;
    return next;
  }

  /** Billed minutes of the SIM bound in a line (0 when none), for least-minutes line selection. */
  minutesUsed(lineId: number): number {
    const line = this.state.lines[String(lineId)];
    const slot = line?.bound;
    return slot ? line!.slots[slot].cdr.billedSec / 60 : 0;
  }

  /** The engine state (read-only view for the API). */
  snapshot(): PolicyState {
    return this.state;
  }

  attach(line: Line): void {
    const id = String(line.id);
    this.lines.set(id, line);
    line.on('sim-bound', (b) => {
      if (b.slot) this.feed({ type: 'sim-bound', line: id, slot: b.slot, iccid: b.iccid });
    });
    line.on('network-time', (t) => this.networkTime(id, t.utcMs));
    line.on('slot-unusable', (u) => this.feed({ type: 'slot-unusable', line: id, slot: u.slot, reason: u.reason, detail: u.detail, iccid: u.iccid }));
    line.on('lifecycle', () => this.noNetwork.check(line));
    line.on('sms', (m) => {
      const slot = this.state.lines[id]?.bound ?? null;
      this.feed({ type: m.ok ? 'sms-sent' : 'sms-failed', line: id }, (updates) =>
        this.o.store.recordSms(
          {
            id: `${id}:sms:${this.now()}:${++this.smsSeq}`,
            line: id,
            slot: slot ? 'ABCD'.indexOf(slot) : 0,
            iccid: line.status().sim.iccid,
            direction: 'out',
            number: m.to,
            at: this.now(),
            parts: m.parts,
            ok: m.ok,
            error: m.error,
          },
          updates,
        ),
      );
    });
  }

  /**
   * The network's time (NITZ) from a line's modem. Used only while the system clock is not trusted (a
   * board without RTC before NTP): the engine's clock follows the network and window/monthly limits open.
   */
  networkTime(lineId: string, utcMs: number): void {
    if (this.state.timeTrusted) return;
    const sys = this.now() - this.offset;
    this.offset = utcMs - sys;
    this.o.log.warn({ line: lineId, offsetMs: this.offset }, 'system clock not set: SIM policy follows the network time (NITZ)');
    this.feed({ type: 'time-trust', trusted: true, source: `network time (NITZ) from line ${lineId}` });
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.noNetwork.stop();
  }

  /** What a step of a call changes in the engine (CallAccounting); null when it does not count. */
  callStep(step: CallStep): AccountingChange | null {
    const call = step.call;
    if (call.direction !== 'out') return null;
    const line = String(call.gsm.line);
    switch (step.kind) {
      case 'started':
        // The attempt counts at once (call-count limits), so it is written with the call's opened record.
        return call.state === 'DIALING' ? this.prepare({ type: 'call-attempt', line }) : null;
      case 'changed':
        if (call.state === 'ALERTING') return this.prepare({ type: 'alerting', line });
        if (call.state === 'CONNECTED' && (step.from === 'DIALING' || step.from === 'ALERTING')) return this.prepare({ type: 'answered', line });
        return null;
      case 'ended': {
        if (step.from !== 'DIALING' && step.from !== 'ALERTING' && step.from !== 'CONNECTED') return null;
        const durationSec = call.durationSec(call.times.end ?? this.now());
        const billedSec = call.times.answer !== null ? billedSeconds(durationSec, this.o.config.billingPeriodSec) : 0;
        return { ...this.prepare({ type: 'call-ended', line, durationSec, cause: gsmEndCause(call) }), billedSec };
      }
    }
  }

  /**
   * A call that was in progress when the daemon died ends now as 'failed' (CallAccounting). An answered
   * one is billed up to the last moment the daemon was known alive, so minutes used before a crash
   * still count. Incoming calls count nothing.
   */
  closeInterrupted(open: StoredCall): InterruptedClose {
    const counts = open.direction === 'out';
    const engineCall = counts ? this.state.lines[open.line]?.call : undefined;
    const answeredAt = engineCall?.answeredAt ?? open.answeredAt ?? null;
    const endedAt = Math.max(this.lastAlive, answeredAt ?? open.startedAt);
    const durationSec = answeredAt ? Math.round((endedAt - answeredAt) / 1000) : 0;
    const billedSec = counts && answeredAt ? billedSeconds(durationSec, this.o.config.billingPeriodSec) : 0;
    const change = counts ? this.prepare({ type: 'call-ended', line: open.line, durationSec, cause: 'failed' }) : null;
    return { answeredAt, endedAt, durationSec, billedSec, change };
  }

  /**
   * Runs an event through the engine: the state to write and the commit that adopts it and acts on
   * the decisions. Nothing changes until the commit, which runs only once the state is durable.
   */
  private prepare(event: PolicyEvent): AccountingChange {
    const r = decide(this.o.config, this.state, this.now(), event);
    const change = this.documents.change(r.state);
    return {
      updates: change.updates,
      commit: () => {
        change.written();
        this.state = r.state;
        for (const d of r.decisions) this.apply(d);
        this.schedule();
      },
    };
  }

  /** Runs an event through the engine, persists the new state (with `record`, in one transaction), acts. */
  private feed(event: PolicyEvent, record?: (updates: readonly StateUpdate[]) => void): void {
    const change = this.prepare(event);
    try {
      if (record) record(change.updates);
      else this.o.store.saveStates(change.updates);
    } catch (e) {
      // Not durable, so not applied: the engine keeps its previous state.
      this.o.log.error({ err: (e as Error).message, event: event.type }, 'policy state not saved; event ignored');
      return;
    }
    change.commit();
  }

  private apply(d: Decision): void {
    const line = this.lines.get(d.line);
    this.o.log.info({ line: d.line, decision: d.type, reason: d.reason, ...('to' in d ? { to: d.to } : {}), ...('slot' in d ? { slot: d.slot } : {}) }, 'SIM policy decision');
    if (!line) return;
    // The engine knows slots A-D; a line whose switch offers fewer is not sent to one it lacks.
    const offered = (slot: SlotId) => line.availableSlots()?.includes(slot) ?? true;
    switch (d.type) {
      case 'switch':
        if (offered(d.to)) line.switchSlot(d.to);
        break;
      case 'bind':
        if (line.status().slot !== d.slot && offered(d.slot)) line.switchSlot(d.slot);
        break;
      case 'hangup':
        line.hangup().catch((e: Error) => this.o.log.warn({ line: d.line, err: e.message }, 'policy hang-up failed'));
        break;
      default:
        // disable / enable / unbind / block-sms: recorded in the state; binding follows from it.
        break;
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const due = nextDeadline(this.o.config, this.state, now);
    const at = Math.min(due ?? Infinity, now + TICK_MS);
    this.timer = setTimeout(() => this.feed({ type: 'tick' }), Math.max(10, at - now));
    this.timer.unref?.();
  }
}
