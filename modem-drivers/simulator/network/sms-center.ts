/**
 * The simulated network's SMS service centre: accepts SMS-SUBMITs from UEs, delivers them as
 * SMS-DELIVERs to SIMs (holding them for SIMs that are not registered, within the validity period),
 * hands them to the outside world, takes SMS from outside senders, and returns SMS-STATUS-REPORTs
 * when TP-SRR was set (TS 23.040 §9.2.2.3: TP-MR and TP-RA as in the SUBMIT, TP-SCTS when the SC got
 * it, TP-DT when the outcome happened).
 *
 * Submit errors (SubmitResult.cause) use the codes a modem passes on in +CMS ERROR:
 *   TS 27.005 §3.2.5: 303 operation not supported (not an SMS-SUBMIT), 304 invalid PDU mode parameter
 *   (TPDU does not decode), 330 SMSC address unknown, 331 no network service, 332 network timeout
 *   (the UE went away before the SC answered);
 *   TS 24.011 §8.2.5.4 (RP-cause): 1 unassigned (unallocated) number (destination cannot be routed).
 *
 * A UE whose memory is full answers RP-ERROR with RP-Cause 22 "memory capacity exceeded" (TS 24.011
 * §8.2.5.4): the SC keeps the message (and everything after it for that SIM), sets the subscriber's
 * memory-capacity-exceeded flag, tells the sender once with a temporary TP-ST (0x25 "error in SME", SC
 * still trying), and delivers again only after the UE's RP-SMMA (TS 24.011 §7.3.2; the alert procedure of
 * TS 23.040 §10.3). The status report says "delivered" only once the message really was.
 *
 * User data passes through unchanged: the DELIVER carries the submitted TP-PID, TP-DCS, TP-UDHI, TP-UDL
 * and TP-UD, so concatenated, UCS2 and 8-bit messages arrive exactly as sent.
 */
import {
  type Address,
  type SmsDeliver,
  type SmsSubmit,
  buildDeliverTpdus,
  bytesToHex,
  encodeDeliver,
  encodeStatusReport,
  hexToBytes,
  isHex,
  isPduError,
  tryDecodePdu,
} from '../../../src/gsm/index.js';
import type { Clock, SmsDeliveryAnswer, SubmitResult, Timing } from '../types.js';
import { compactNumber, lookupCandidates } from './numbers.js';
import type { OutsideSmsOptions, OutsideSmsResult, OutsideWorld } from './outside-world.js';
import type { SmsRecord } from './sim-log.js';
import { type StoredItem, type Subscriber, type UserEquipment, isRegistered } from './subscriber.js';
import type { TimerBag } from './timer-bag.js';

/** TP-ST values used (TS 23.040 §9.2.3.15). */
export const TP_ST_DELIVERED = 0x00;
export const TP_ST_NOT_OBTAINABLE = 0x43;
export const TP_ST_VALIDITY_EXPIRED = 0x46;
/** Temporary error, SC still trying: the recipient's memory was full (TS 23.040 §9.2.3.15, "error in SME"). */
export const TP_ST_SME_ERROR_TRYING = 0x25;

export interface SmsHost {
  readonly clock: Clock;
  readonly outside: OutsideWorld;
  /** Network-wide timers (deliveries in flight, expiry). */
  readonly timers: TimerBag;
  readonly tzMinutes: number;
  readonly validityMinutes: number;
  /** Country code for numbers given without one by outside senders. */
  readonly defaultCc: string;
  readonly defaultTiming: Timing;
  delay(ms: number): number;
  subscriberByNumber(number: string): Subscriber | undefined;
  /** Hands an SMS-DELIVER to the UE; its answer (RP-ACK or RP-ERROR "memory capacity exceeded"). */
  emitSms(ue: UserEquipment, tpdu: Uint8Array, smsc: string): SmsDeliveryAnswer;
  emitReport(ue: UserEquipment, tpdu: Uint8Array, smsc: string): void;
  warn(msg: string, detail: Record<string, unknown>): void;
}

function fail(cause: number, text: string): SubmitResult {
  return { ok: false, cause, text };
}

/** Where a submitted destination routes: a subscriber, or an outside number. */
type Route = { sub: Subscriber; number: string } | { sub?: undefined; number: string };

export class SmsCenter {
  private readonly withBacklog = new Set<Subscriber>();
  private expiryTimer: { cancel(): void } | null = null;
  private expiryDue = Infinity;
  private outsideRef = 0;

  constructor(private readonly host: SmsHost) {}

  // -------------------------------------------------------------------------------------------
  // MO: a UE submits

  submit(ue: UserEquipment, tpdu: Uint8Array, smsc: string | null): Promise<SubmitResult> {
    const h = this.host;
    const sub = ue.sub;
    if (ue.detached || !isRegistered(ue.regState)) return Promise.resolve(fail(331, 'no network service'));
    if (!(tpdu instanceof Uint8Array) || tpdu.length === 0) return Promise.resolve(fail(304, 'invalid PDU mode parameter: empty TPDU'));
    const hex = bytesToHex(tpdu);
    const decoded = tryDecodePdu(hex, { withSmsc: false, direction: 'mo' });
    if (!decoded.ok) return Promise.resolve(fail(304, `invalid PDU mode parameter: ${decoded.error}`));
    if (decoded.pdu.type !== 'submit') {
      return Promise.resolve(fail(303, `operation not supported: SMS-${decoded.pdu.type.toUpperCase()} is not relayed`));
    }
    const submit = decoded.pdu;
    const sc = typeof smsc === 'string' && smsc.trim() !== '' ? compactNumber(smsc) : sub.sim.smsc;
    if (!/^\+?\d{3,20}$/.test(sc)) return Promise.resolve(fail(330, `SMSC address unknown: ${JSON.stringify(smsc)}`));
    const route = this.route(submit.destination, sub.cc);
    if (!route) return Promise.resolve(fail(1, `unassigned number: ${JSON.stringify(submit.destination.number)}`));

    // TS 23.040 §9.2.3.6: the TP-MR increments per submitted message. The network assigns it (the
    // submitted value is ignored), per SIM, as EF-SMSS would.
    sub.lastMr = (sub.lastMr + 1) & 0xff;
    const mr = sub.lastMr;
    const receivedAt = h.clock.now();
    const rec = sub.log.smsPart('sent', route.number, receivedAt, submit.concat, submit.text, submit.encoding, mr);

    return new Promise<SubmitResult>((resolve) => {
      const abort = (): void => {
        timer.cancel();
        sub.log.partOutcome(rec, 'failed');
        resolve(fail(332, 'network timeout'));
      };
      const timer = ue.timers.schedule(() => {
        ue.aborts.delete(abort);
        resolve({ ok: true, mr });
        h.timers.schedule(() => this.forward(sub, submit, hex, route, mr, sc, receivedAt, rec), h.delay(ue.timing.smsDeliverMs));
      }, h.delay(ue.timing.smsSendMs));
      ue.aborts.add(abort);
    });
  }

  private route(dest: Address, cc: string): Route | undefined {
    if (dest.ton === 'alphanumeric') return undefined;
    const candidates = lookupCandidates(dest.number, cc);
    if (candidates.length === 0) return undefined;
    for (const n of candidates) {
      const sub = this.host.subscriberByNumber(n);
      if (sub) return { sub, number: n };
    }
    return { number: candidates[0]! };
  }

  /** The submitted part reaches its destination (delivery time). */
  private forward(from: Subscriber, submit: SmsSubmit, hex: string, route: Route, mr: number, smsc: string, receivedAt: number, rec: SmsRecord): void {
    const h = this.host;
    const report = (status: number, at: number): void => {
      if (!submit.statusReportRequest) return;
      let tpdu: Uint8Array;
      try {
        tpdu = encodeStatusReport({
          mr,
          recipient: submit.destination.number,
          recipientToa: submit.destination.toa,
          scts: new Date(receivedAt),
          dischargeTime: new Date(at),
          tzMinutes: h.tzMinutes,
          status,
        });
      } catch (e) {
        h.warn('status report not encodable', { err: e, imsi: from.imsi });
        return;
      }
      this.deliverOrStore(from, { kind: 'report', tpdu, smsc, patchMms: false, expiresAt: at + h.validityMinutes * 60_000 });
    };

    if (!route.sub) {
      const behaviour = h.outside.behaviourFor(route.number);
      const now = h.clock.now();
      if (behaviour.kind === 'unreachable') {
        from.log.partOutcome(rec, 'failed', submit.statusReportRequest ? TP_ST_NOT_OBTAINABLE : undefined);
        report(TP_ST_NOT_OBTAINABLE, now);
        return;
      }
      const entry = {
        time: now,
        from: from.msisdn,
        to: route.number,
        text: submit.text,
        encoding: submit.encoding,
        mr,
        statusReportRequested: submit.statusReportRequest,
        tpdu: hex,
      };
      h.outside.record(submit.concat ? { ...entry, concat: submit.concat } : entry);
      from.log.partOutcome(rec, 'delivered', submit.statusReportRequest ? TP_ST_DELIVERED : undefined);
      report(TP_ST_DELIVERED, now);
      return;
    }

    const to = route.sub;
    let tpdu: Uint8Array;
    try {
      tpdu = encodeDeliver({
        from: from.msisdn,
        raw: { dcs: submit.dcs.raw, udl: submit.udl, userData: submit.userData, udhi: (submit.firstOctet & 0x40) !== 0 },
        scts: new Date(receivedAt),
        tzMinutes: h.tzMinutes,
        pid: submit.pid,
        statusReportIndication: submit.statusReportRequest,
      });
    } catch (e) {
      h.warn('submitted message not deliverable', { err: e, imsi: from.imsi });
      from.log.partOutcome(rec, 'failed');
      return;
    }
    const expiresAt = receivedAt + validityMs(submit, receivedAt, h.validityMinutes);
    const senderNumber = from.msisdn;
    // The part counts as held by the network once, however often it is put off.
    let held = false;
    const stored = this.deliverOrStore(to, {
      kind: 'sms',
      tpdu,
      smsc,
      patchMms: true,
      expiresAt,
      delivered: (at) => {
        to.log.smsPart('received', senderNumber, at, submit.concat, submit.text, submit.encoding);
        from.log.partOutcome(rec, 'delivered', submit.statusReportRequest ? TP_ST_DELIVERED : undefined);
        report(TP_ST_DELIVERED, at);
      },
      failed: (status, at) => {
        from.log.partOutcome(rec, 'expired', submit.statusReportRequest ? status : undefined);
        report(status, at);
      },
      deferred: (status, at) => {
        if (!held) from.log.partOutcome(rec, 'stored', submit.statusReportRequest ? status : undefined);
        held = true;
        report(status, at);
      },
    });
    if (stored && !held) {
      held = true;
      from.log.partOutcome(rec, 'stored');
    }
  }

  // -------------------------------------------------------------------------------------------
  // MT from outside

  fromOutside(opts: OutsideSmsOptions): OutsideSmsResult {
    const h = this.host;
    if (!opts || typeof opts !== 'object') return { ok: false, error: 'options are required' };
    if (typeof opts.to !== 'string') return { ok: false, error: 'to: a SIM number is required' };
    let sub: Subscriber | undefined;
    for (const n of lookupCandidates(opts.to, h.defaultCc)) sub ??= h.subscriberByNumber(n);
    if (!sub) return { ok: false, error: `to: ${JSON.stringify(opts.to)} is not a SIM of this network` };
    if (typeof opts.from !== 'string' || opts.from.trim() === '') return { ok: false, error: 'from: a sender is required' };
    const smsc = typeof opts.smsc === 'string' && opts.smsc.trim() !== '' ? compactNumber(opts.smsc) : sub.sim.smsc;

    let tpdus: { tpdu: Uint8Array; deliver: SmsDeliver; patchMms: boolean }[];
    if (opts.pdu !== undefined) {
      if (opts.text !== undefined) return { ok: false, error: 'give either text or pdu, not both' };
      const list = Array.isArray(opts.pdu) ? opts.pdu : [opts.pdu];
      if (list.length === 0) return { ok: false, error: 'pdu: empty list' };
      tpdus = [];
      for (const [i, hex] of list.entries()) {
        const parsed = parseRawDeliver(hex);
        if ('error' in parsed) return { ok: false, error: `pdu${list.length > 1 ? `[${i}]` : ''}: ${parsed.error}` };
        tpdus.push({ ...parsed, patchMms: false });
      }
    } else {
      if (typeof opts.text !== 'string') return { ok: false, error: 'text or pdu is required' };
      const from = normalizeSender(opts.from, h.defaultCc);
      try {
        this.outsideRef = (this.outsideRef + 1) & 0xff;
        const encoded = buildDeliverTpdus({
          from,
          text: opts.text,
          encoding: opts.encoding ?? 'auto',
          scts: new Date(h.clock.now()),
          tzMinutes: h.tzMinutes,
          concatRef: this.outsideRef,
          ...(opts.class !== undefined ? { class: opts.class } : {}),
        });
        tpdus = encoded.map((tpdu) => {
          const d = tryDecodePdu(bytesToHex(tpdu), { withSmsc: false });
          if (!d.ok || d.pdu.type !== 'deliver') throw new Error(`internal: built SMS-DELIVER does not decode${d.ok ? '' : `: ${d.error}`}`);
          return { tpdu, deliver: d.pdu, patchMms: true };
        });
      } catch (e) {
        if (isPduError(e)) return { ok: false, error: e.message };
        throw e;
      }
    }
    const stored = !(sub.ue && isRegistered(sub.ue.regState)) || sub.memoryFull;
    const timing = sub.ue?.timing ?? h.defaultTiming;
    const expiresAt = h.clock.now() + h.validityMinutes * 60_000;
    const target = sub;
    for (const t of tpdus) {
      const item: StoredItem = {
        kind: 'sms',
        tpdu: t.tpdu,
        smsc,
        patchMms: t.patchMms,
        expiresAt,
        delivered: (at) => target.log.smsPart('received', t.deliver.originator.number, at, t.deliver.concat, t.deliver.text, t.deliver.encoding),
      };
      h.timers.schedule(() => this.deliverOrStore(target, item), h.delay(timing.smsDeliverMs));
    }
    return { ok: true, parts: tpdus.length, stored };
  }

  // -------------------------------------------------------------------------------------------
  // Delivery, store and forward

  /**
   * Delivers now when the subscriber is registered, nothing older is waiting and its memory is not full;
   * else stores. Returns true when stored because the subscriber cannot be reached (or has no memory).
   */
  private deliverOrStore(sub: Subscriber, item: StoredItem): boolean {
    const ue = sub.ue;
    if (ue && isRegistered(ue.regState) && sub.store.length === 0 && ue.drainTimer === null && !sub.memoryFull) {
      if (!this.deliverNow(ue, item, false)) this.memoryExceeded(sub, [item]);
      return false;
    }
    sub.store.push(item);
    this.withBacklog.add(sub);
    if (ue && isRegistered(ue.regState)) this.drain(sub);
    this.armExpiry(item.expiresAt);
    return !(ue && isRegistered(ue.regState)) || sub.memoryFull;
  }

  /** Hands one item to the UE; false when the UE refused it for lack of memory (nothing else happened). */
  private deliverNow(ue: UserEquipment, item: StoredItem, moreFollow: boolean): boolean {
    let tpdu = item.tpdu;
    if (item.kind === 'sms' && item.patchMms && moreFollow && (tpdu[0]! & 0x04) !== 0) {
      // TS 23.040 §9.2.3.2 TP-MMS = 0: more messages are waiting in the SC.
      tpdu = tpdu.slice();
      tpdu[0] = tpdu[0]! & ~0x04;
    }
    if (item.kind === 'sms') {
      if (this.host.emitSms(ue, tpdu, item.smsc) === 'memory-full') return false;
    } else this.host.emitReport(ue, tpdu, item.smsc);
    item.delivered?.(this.host.clock.now());
    return true;
  }

  /**
   * RP-ERROR "memory capacity exceeded" (TS 24.011 §8.2.5.4, cause 22): the refused item and those queued
   * behind it go back to the front of the store, in order; the flag holds them until RP-SMMA. The sender
   * of the refused item hears once that the SC is still trying.
   */
  private memoryExceeded(sub: Subscriber, items: StoredItem[]): void {
    sub.memoryFull = true;
    sub.store = [...items, ...sub.store];
    this.withBacklog.add(sub);
    this.armExpiry(Math.min(...items.map((it) => it.expiresAt)));
    const first = items[0];
    const deferred = first?.deferred;
    if (first && deferred) {
      first.deferred = undefined;
      deferred(TP_ST_SME_ERROR_TRYING, this.host.clock.now());
    }
  }

  /**
   * RP-SMMA from the UE (TS 24.011 §7.3.2): it has memory again. The flag is cleared and what was kept is
   * delivered (the alert of TS 23.040 §10.3). False, with nothing changed, when the UE is not registered.
   */
  memoryAvailable(ue: UserEquipment): boolean {
    if (ue.detached || !isRegistered(ue.regState)) return false;
    ue.sub.memoryFull = false;
    this.drain(ue.sub);
    return true;
  }

  /** The subscriber (re)registered: deliver what is waiting after the delivery delay. */
  drain(sub: Subscriber): void {
    const ue = sub.ue;
    if (!ue || ue.drainTimer !== null || sub.store.length === 0 || sub.memoryFull) return;
    ue.drainTimer = ue.timers.schedule(() => {
      ue.drainTimer = null;
      if (ue.detached || !isRegistered(ue.regState) || sub.memoryFull) return;
      const items = sub.store;
      sub.store = [];
      this.withBacklog.delete(sub);
      // Nothing left anywhere: no expiry timer either (an idle network holds no timers).
      if (this.withBacklog.size === 0) this.close();
      let smsLeft = 0;
      for (const it of items) if (it.kind === 'sms') smsLeft++;
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        if (it.kind === 'sms') smsLeft--;
        if (!this.deliverNow(ue, it, it.kind === 'sms' && smsLeft > 0)) {
          this.memoryExceeded(sub, items.slice(i));
          return;
        }
      }
    }, this.host.delay(ue.timing.smsDeliverMs));
  }

  /** Messages waiting for `sub`. */
  backlog(sub: Subscriber): number {
    return sub.store.length;
  }

  private armExpiry(at: number): void {
    if (at >= this.expiryDue) return;
    this.expiryTimer?.cancel();
    this.expiryDue = at;
    this.expiryTimer = this.host.timers.schedule(() => this.expire(), Math.max(0, at - this.host.clock.now()));
  }

  private expire(): void {
    const now = this.host.clock.now();
    this.expiryTimer = null;
    this.expiryDue = Infinity;
    const expired: StoredItem[] = [];
    let next = Infinity;
    for (const sub of [...this.withBacklog]) {
      const keep: StoredItem[] = [];
      for (const it of sub.store) {
        if (it.expiresAt <= now) expired.push(it);
        else {
          keep.push(it);
          if (it.expiresAt < next) next = it.expiresAt;
        }
      }
      sub.store = keep;
      if (keep.length === 0) this.withBacklog.delete(sub);
    }
    // After the sweep: a failure report may itself be stored (and arm the timer again).
    for (const it of expired) it.failed?.(TP_ST_VALIDITY_EXPIRED, now);
    if (next < Infinity) this.armExpiry(next);
  }

  /** Stops the expiry timer (no backlog left, or network close). */
  close(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    this.expiryDue = Infinity;
  }
}

/** TS 23.040 §9.2.3.12: the validity the SUBMIT asked for, else the network's default. */
function validityMs(submit: SmsSubmit, receivedAt: number, defaultMinutes: number): number {
  const v = submit.validity;
  if (v?.format === 'relative') return v.minutes * 60_000;
  if (v?.format === 'absolute') return Math.max(0, v.date.getTime() - receivedAt);
  return defaultMinutes * 60_000;
}

/** An outside sender as it goes into TP-OA: numbers normalised, names (alphanumeric) as given. */
function normalizeSender(from: string, cc: string): string {
  const s = compactNumber(from);
  if (/^\+?\d+$/.test(s)) return lookupCandidates(s, cc)[0] ?? s;
  return from.trim();
}

/**
 * A raw SMS-DELIVER in hex, with or without the SMSC field in front: both readings are tried and the
 * one that decodes as an SMS-DELIVER with fewer warnings (e.g. no octets left over) wins.
 */
export function parseRawDeliver(hex: unknown): { tpdu: Uint8Array; deliver: SmsDeliver } | { error: string } {
  if (typeof hex !== 'string') return { error: 'not a hex string' };
  const s = hex.replace(/\s+/g, '');
  if (!isHex(s)) return { error: 'not a hex string' };
  let best: { deliver: SmsDeliver; withSmsc: boolean } | undefined;
  let lastError = '';
  for (const withSmsc of [false, true]) {
    const r = tryDecodePdu(s, { withSmsc });
    if (!r.ok) {
      lastError = r.error;
      continue;
    }
    if (r.pdu.type !== 'deliver' || (r.pdu.firstOctet & 0x03) !== 0) {
      lastError = `an SMS-${r.pdu.type.toUpperCase()}, not an SMS-DELIVER`;
      continue;
    }
    if (!best || r.pdu.warnings.length < best.deliver.warnings.length) best = { deliver: r.pdu, withSmsc };
  }
  if (!best) return { error: lastError || 'not an SMS-DELIVER' };
  const bytes = hexToBytes(s);
  const tpdu = best.withSmsc ? bytes.subarray(bytes[0]! + 1) : bytes;
  return { tpdu, deliver: best.deliver };
}
