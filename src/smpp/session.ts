/**
 * One ESME connection on the SMSC: framing, the bind state machine (§2.2), requests from the ESME
 * (bind, submit_sm, data_sm, query_sm, enquire_link, unbind) and the deliver_sm the SMSC sends, with
 * windows and timers. The only stream code is `socket.on('data')` feeding the framer.
 *
 * Robustness rules: the socket's 'error' is always handled; every handler runs inside try/catch and an
 * exception closes this session only (logged); a framing error is answered with generic_nack
 * ESME_RINVCMDLEN and closes the connection, as the stream cannot be resynchronised.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import { decodePdu, encodeGenericNack, encodePdu, encodeResponse, type SmppPdu } from './codec.js';
import { PduFramer } from './framer.js';
import { buildDeliverSms, submitToRequest } from './message.js';
import { BIND_COMMANDS, BindStateMachine, boundStateFor, requestAllowed, type SessionState } from './session-state.js';
import { CommandId, RESPONSE_BIT, Status, statusName } from './status.js';
import { formatSmppTime } from './time.js';
import type { BindMode, DeliverItem, SessionCounters, SessionInfo, SessionSnapshot, SmscBackend, SubmitResult } from './types.js';

/** Settings a session runs with (resolved by the server from its options). */
export interface SessionSettings {
  /** system_id the SMSC names itself with in bind responses. */
  systemId: string;
  windowSize: number;
  deliverWindowSize: number;
  maxPduLength: number;
  responseTimeoutMs: number;
  enquireLinkIntervalMs: number;
  bindTimeoutMs: number;
  maxConsecutiveTimeouts: number;
  retryDelayMs: number;
  maxBindAttempts: number;
  unbindWaitMs: number;
  maxWriteBuffer: number;
  receiptZone: 'utc' | 'local';
}

/** What the server shares with its sessions. */
export interface SessionContext {
  settings: SessionSettings;
  backend: SmscBackend;
  log: Logger;
  /** Deliver item ids in flight on any session of this server. */
  inFlight: Set<string>;
  /** Rate limit per account: true when one more submit may go now. */
  allowSubmit(info: SessionInfo): boolean;
  totals: SessionCounters & { framingErrors: number; deliverTimeouts: number; bindFailures: number; handlerErrors: number };
  onBound(session: SmppSession): void;
  onClosed(session: SmppSession): void;
  /** Items went back to the pool: let every receiving session pull again. */
  notifyAll(): void;
  trace?: (direction: 'in' | 'out', pdu: Buffer, session: SmppSession) => void;
}

type Awaiting =
  | { kind: 'deliver'; itemId: string; timer: NodeJS.Timeout }
  | { kind: 'enquire_link'; timer: NodeJS.Timeout }
  | { kind: 'unbind'; timer: NodeJS.Timeout; done: () => void };

interface Delivery {
  item: DeliverItem;
  seqs: Set<number>;
}

export class SmppSession {
  readonly id: string;
  readonly remote: string;
  readonly connectedAt = Date.now();
  private readonly machine = new BindStateMachine();
  private readonly framer: PduFramer;
  private readonly log: Logger;
  private infoValue: SessionInfo | null = null;
  private boundAtValue = 0;
  private binding = false;
  private bindAttempts = 0;
  readonly counters: SessionCounters = { submitted: 0, rejected: 0, throttled: 0, delivered: 0, deliverFailed: 0, nacked: 0 };

  private submitsInFlight = 0;
  private submitWaiters: (() => void)[] = [];
  private nextSeq = 1;
  private readonly awaiting = new Map<number, Awaiting>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly cooldown = new Map<string, number>();
  private pausedUntil = 0;
  private consecutiveTimeouts = 0;
  private concatRef = Math.floor(Math.random() * 256);

  private bindTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private closing = false;

  constructor(
    id: string,
    private readonly socket: Socket,
    private readonly ctx: SessionContext,
  ) {
    this.id = id;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.log = ctx.log.child({ smppSession: id, remote: this.remote });
    this.framer = new PduFramer(ctx.settings.maxPduLength);
    socket.setNoDelay(true);
    socket.on('error', (e) => {
      // Always handled: a reset or TLS error ends this session only.
      this.log.debug({ err: e.message }, 'SMPP socket error');
      this.close(`socket error: ${e.message}`);
    });
    socket.on('close', () => this.close('connection closed by peer'));
    socket.on('end', () => this.close('connection ended by peer'));
    socket.on('data', (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    // §2.9 session_init_timer: a connection must bind in time.
    this.bindTimer = setTimeout(() => this.guard(() => this.close(`no bind within ${ctx.settings.bindTimeoutMs} ms`)), ctx.settings.bindTimeoutMs);
  }

  get state(): SessionState {
    return this.machine.state;
  }

  /** The bound session's identity, null before a successful bind. */
  get info(): SessionInfo | null {
    return this.infoValue;
  }

  get boundAt(): number {
    return this.boundAtValue;
  }

  snapshot(): SessionSnapshot | null {
    if (!this.infoValue) return null;
    return {
      ...this.infoValue,
      boundAt: this.boundAtValue,
      counters: { ...this.counters },
      submitsInFlight: this.submitsInFlight,
      deliveriesInFlight: this.deliveries.size,
    };
  }

  get receives(): boolean {
    const s = this.machine.state;
    return s === 'BOUND_RX' || s === 'BOUND_TRX';
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fault(e);
    }
  }

  private fault(e: unknown): void {
    this.ctx.totals.handlerErrors++;
    this.log.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'SMPP session handler failed; closing the session');
    this.close('internal error');
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    for (const ev of this.framer.push(chunk)) {
      if (!ev.ok) {
        // §4.3: an invalid command_length is answered with generic_nack; the stream cannot be resynced.
        this.ctx.totals.framingErrors++;
        this.log.warn({ commandLength: ev.commandLength }, `SMPP framing error: ${ev.message}; closing`);
        this.sendNack(ev.sequence ?? 0, Status.ESME_RINVCMDLEN);
        this.close(`framing error: ${ev.message}`, true);
        return;
      }
      this.ctx.trace?.('in', ev.pdu, this);
      this.onPdu(ev.pdu);
      if (this.closing) return;
    }
  }

  private onPdu(buf: Buffer): void {
    this.touch();
    const d = decodePdu(buf);
    if (!d.ok) {
      this.log.info({ command: d.command, sequence: d.sequence, status: statusName(d.status) }, `SMPP PDU refused: ${d.reason}`);
      if (d.reply === 'generic_nack') this.sendNack(d.sequence, d.status);
      else if (d.reply === 'response') this.send(encodeResponse(d.commandId, d.sequence, d.status));
      return;
    }
    const pdu = d.pdu;
    if (pdu.command_id & RESPONSE_BIT) {
      this.onResponse(pdu);
      return;
    }
    const state = this.machine.state;
    if (pdu.command in BIND_COMMANDS) {
      if (state !== 'OPEN' || this.binding) {
        // §4.1: a bind on a bound (or binding) session: ESME_RALYBND.
        this.respond(pdu, Status.ESME_RALYBND);
        return;
      }
      this.onBind(pdu, BIND_COMMANDS[pdu.command]!);
      return;
    }
    if (!requestAllowed(pdu.command, state)) {
      // §2.3: a PDU not allowed in the session state: ESME_RINVBNDSTS (generic_nack when it has no _resp).
      this.log.info({ command: pdu.command, state }, 'SMPP request not allowed in this session state');
      this.respond(pdu, Status.ESME_RINVBNDSTS);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        // §4.11: answered at any time while bound.
        this.respond(pdu, Status.ESME_ROK);
        return;
      case 'unbind':
        this.onUnbind(pdu);
        return;
      case 'submit_sm':
      case 'data_sm':
        this.onSubmit(pdu);
        return;
      case 'query_sm':
        this.onQuery(pdu);
        return;
      case 'submit_multi':
        this.respond(pdu, Status.ESME_RSUBMITFAIL, 'submit_multi is not supported: send one submit_sm per destination');
        return;
      case 'cancel_sm':
        this.respond(pdu, Status.ESME_RCANCELFAIL, 'cancel_sm is not supported');
        return;
      case 'replace_sm':
        this.respond(pdu, Status.ESME_RREPLACEFAIL, 'replace_sm is not supported');
        return;
      default:
        this.respond(pdu, Status.ESME_RINVCMDID, `${pdu.command} is not handled`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bind / unbind

  private onBind(pdu: SmppPdu, mode: BindMode): void {
    this.binding = true;
    this.bindAttempts++;
    const systemId = typeof pdu.system_id === 'string' ? pdu.system_id : '';
    const password = typeof pdu.password === 'string' ? pdu.password : '';
    const interfaceVersion = typeof pdu.interface_version === 'number' ? pdu.interface_version : 0;
    const systemType = typeof pdu.system_type === 'string' ? pdu.system_type : '';
    Promise.resolve()
      .then(() => this.ctx.backend.authenticate({ systemId, password, mode, remote: this.remote }))
      .catch((e: unknown) => {
        this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'SMPP authenticate failed');
        return { ok: false as const, status: Status.ESME_RBINDFAIL };
      })
      .then((auth) => {
        this.binding = false;
        if (this.machine.state !== 'OPEN' || this.closing) return;
        if (!auth || !auth.ok) {
          const status = auth && Number.isInteger(auth.status) && auth.status > 0 ? auth.status : Status.ESME_RBINDFAIL;
          this.ctx.totals.bindFailures++;
          this.log.warn({ systemId, mode, status: statusName(status) }, 'SMPP bind refused');
          this.respond(pdu, status);
          if (this.bindAttempts >= this.ctx.settings.maxBindAttempts) this.close(`${this.bindAttempts} failed bind attempts`, true);
          return;
        }
        this.infoValue = { id: this.id, systemId, mode, remote: this.remote, account: auth.account, interfaceVersion, systemType };
        this.boundAtValue = Date.now();
        this.machine.transition(boundStateFor(mode));
        if (this.bindTimer) clearTimeout(this.bindTimer);
        this.bindTimer = null;
        // §4.1.2 bind_*_resp: the SMSC's system_id; the sc_interface_version TLV (§5.3.2) for a 3.4 ESME.
        const fields: Record<string, unknown> = { system_id: this.ctx.settings.systemId };
        if (interfaceVersion >= 0x34) fields.sc_interface_version = 0x34;
        this.respond(pdu, Status.ESME_ROK, undefined, fields);
        this.log.info({ systemId, mode, interfaceVersion: `0x${interfaceVersion.toString(16)}` }, 'SMPP bound');
        this.touch();
        this.ctx.onBound(this);
        if (this.receives) this.fill();
      })
      .catch((e: unknown) => this.fault(e));
  }

  private onUnbind(pdu: SmppPdu): void {
    // §4.2: after unbind no new requests are accepted. Submits already received are answered first
    // (bounded by unbindWaitMs) so that the ESME loses no submit_sm_resp, then unbind_resp, then close.
    this.machine.transition('UNBOUND');
    this.clearRetry();
    this.waitForSubmits(this.ctx.settings.unbindWaitMs).then(
      () => {
        if (this.machine.state === 'CLOSED') return;
        this.respond(pdu, Status.ESME_ROK);
        this.close('unbind from ESME', true);
      },
      (e: unknown) => this.fault(e),
    );
  }

  /** SMSC-initiated unbind (server shutdown): unbind, wait for unbind_resp (bounded), close. */
  unbind(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.machine.bound) {
        this.close('server closing', true);
        resolve();
        return;
      }
      this.machine.transition('UNBOUND');
      this.clearRetry();
      this.waitForSubmits(this.ctx.settings.unbindWaitMs)
        .then(() => {
          if (this.machine.state === 'CLOSED') return resolve();
          const seq = this.takeSeq();
          const done = (): void => {
            this.close('server closing', true);
            resolve();
          };
          const timer = setTimeout(() => {
            this.awaiting.delete(seq);
            done();
          }, this.ctx.settings.responseTimeoutMs);
          this.awaiting.set(seq, { kind: 'unbind', timer, done });
          if (!this.send(encodePdu('unbind', seq))) {
            clearTimeout(timer);
            this.awaiting.delete(seq);
            done();
          }
        })
        .catch((e: unknown) => {
          this.fault(e);
          resolve();
        });
    });
  }

  private waitForSubmits(maxMs: number): Promise<void> {
    if (this.submitsInFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.submitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Submits

  private onSubmit(pdu: SmppPdu): void {
    const info = this.infoValue!;
    // Window: at most windowSize submits in progress on this session.
    if (this.submitsInFlight >= this.ctx.settings.windowSize) {
      this.throttle(pdu, `window of ${this.ctx.settings.windowSize} submits in progress is full`);
      return;
    }
    if (!this.ctx.allowSubmit(info)) {
      this.throttle(pdu, 'account submit rate limit reached');
      return;
    }
    const conv = submitToRequest(pdu, info, Date.now());
    if (!conv.ok) {
      this.counters.rejected++;
      this.ctx.totals.rejected++;
      this.log.info({ sequence: pdu.sequence_number, status: statusName(conv.status) }, `SMPP ${pdu.command} refused: ${conv.reason}`);
      this.respond(pdu, conv.status);
      return;
    }
    this.submitsInFlight++;
    Promise.resolve()
      .then(() => this.ctx.backend.submit(conv.request))
      .catch((e: unknown): SubmitResult => {
        this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'SMPP backend submit failed');
        return { ok: false, status: Status.ESME_RSYSERR, reason: 'backend failure' };
      })
      .then((result) => {
        if (result && result.ok) {
          this.counters.submitted++;
          this.ctx.totals.submitted++;
          const messageId = String(result.messageId);
          // Recorded once the response reached the kernel: until then a crash leaves the stored
          // copy open to the ESME's resubmission (docs/decisions/0020).
          this.respond(pdu, Status.ESME_ROK, undefined, { message_id: messageId }, () => this.safe(() => this.ctx.backend.answered?.(conv.request, messageId)));
        } else {
          const status = result && Number.isInteger(result.status) && result.status > 0 ? result.status : Status.ESME_RSYSERR;
          if (status === Status.ESME_RTHROTTLED || status === Status.ESME_RMSGQFUL) {
            this.counters.throttled++;
            this.ctx.totals.throttled++;
          } else {
            this.counters.rejected++;
            this.ctx.totals.rejected++;
          }
          this.log.info({ sequence: pdu.sequence_number, status: statusName(status) }, `SMPP ${pdu.command} refused by the core: ${result?.reason ?? '?'}`);
          this.respond(pdu, status);
        }
      })
      .catch((e: unknown) => this.fault(e))
      .finally(() => {
        this.submitsInFlight--;
        if (this.submitsInFlight === 0) {
          const waiters = this.submitWaiters;
          this.submitWaiters = [];
          for (const w of waiters) w();
        }
      });
  }

  private throttle(pdu: SmppPdu, why: string): void {
    this.counters.throttled++;
    this.ctx.totals.throttled++;
    this.log.debug({ sequence: pdu.sequence_number }, `SMPP ${pdu.command} throttled: ${why}`);
    this.respond(pdu, Status.ESME_RTHROTTLED);
  }

  private onQuery(pdu: SmppPdu): void {
    const messageId = typeof pdu.message_id === 'string' ? pdu.message_id : '';
    if (messageId === '') {
      this.respond(pdu, Status.ESME_RINVMSGID, 'query_sm without message_id');
      return;
    }
    const r = this.ctx.backend.query(this.infoValue!, messageId);
    if (!r) {
      // §4.8.1: the message is not known to this account.
      this.respond(pdu, Status.ESME_RQUERYFAIL, `query_sm: message ${messageId} not found`);
      return;
    }
    this.respond(pdu, Status.ESME_ROK, undefined, {
      message_id: messageId,
      final_date: r.finalDate === null ? '' : formatSmppTime(r.finalDate),
      message_state: r.state & 0xff,
      error_code: r.errorCode & 0xff,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Deliveries (SMSC -> ESME)

  /** Pulls pending items from the backend up to the deliver window and sends them. */
  fill(): void {
    this.guard(() => this.fillNow());
  }

  private fillNow(): void {
    if (!this.receives || this.closing) return;
    const now = Date.now();
    if (now < this.pausedUntil) {
      this.scheduleRetry(this.pausedUntil);
      return;
    }
    const free = this.ctx.settings.deliverWindowSize - this.deliveries.size;
    if (free <= 0) return;
    const exclude = new Set(this.ctx.inFlight);
    let nextCooldown = Infinity;
    for (const [id, until] of this.cooldown) {
      if (until <= now) this.cooldown.delete(id);
      else {
        exclude.add(id);
        nextCooldown = Math.min(nextCooldown, until);
      }
    }
    if (nextCooldown !== Infinity) this.scheduleRetry(nextCooldown);
    const info = this.infoValue!;
    const items = this.ctx.backend.pending(info, free, exclude);
    if (!Array.isArray(items)) return;
    let sent = 0;
    for (const item of items) {
      if (sent >= free) break;
      if (!item || typeof item.id !== 'string' || exclude.has(item.id) || this.ctx.inFlight.has(item.id)) continue;
      const built = buildDeliverSms(item, { tlvs: info.interfaceVersion >= 0x34, nextRef: () => (this.concatRef = (this.concatRef + 1) & 0xff), receiptZone: this.ctx.settings.receiptZone });
      if (!built.ok) {
        this.log.warn({ item: item.id }, `SMPP deliver item cannot be sent: ${built.reason}`);
        this.cooldown.set(item.id, now + this.ctx.settings.retryDelayMs);
        this.scheduleRetry(now + this.ctx.settings.retryDelayMs);
        this.ctx.backend.deliveryFailed(item.id, info, built.reason);
        continue;
      }
      const delivery: Delivery = { item, seqs: new Set() };
      this.deliveries.set(item.id, delivery);
      this.ctx.inFlight.add(item.id);
      sent++;
      for (const fields of built.parts) {
        const seq = this.takeSeq();
        const timer = setTimeout(() => this.guard(() => this.onDeliverTimeout(seq)), this.ctx.settings.responseTimeoutMs);
        this.awaiting.set(seq, { kind: 'deliver', itemId: item.id, timer });
        delivery.seqs.add(seq);
        this.send(encodePdu('deliver_sm', seq, fields as unknown as Record<string, unknown>));
      }
    }
  }

  private scheduleRetry(at: number): void {
    if (this.closing) return;
    if (this.retryTimer && this.retryAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.fill();
    }, Math.max(0, at - Date.now()) + 1);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private onResponse(pdu: SmppPdu): void {
    const a = this.awaiting.get(pdu.sequence_number);
    if (!a) {
      this.log.debug({ command: pdu.command, sequence: pdu.sequence_number }, 'SMPP response to no outstanding request (late or unknown); ignored');
      return;
    }
    // A generic_nack (§4.3) answers whatever request had that sequence number.
    const expected = a.kind === 'deliver' ? 'deliver_sm_resp' : a.kind === 'enquire_link' ? 'enquire_link_resp' : 'unbind_resp';
    if (pdu.command !== expected && pdu.command !== 'generic_nack') {
      this.log.info({ command: pdu.command, sequence: pdu.sequence_number, expected }, 'SMPP response of the wrong type; ignored');
      return;
    }
    clearTimeout(a.timer);
    this.awaiting.delete(pdu.sequence_number);
    if (a.kind === 'enquire_link') return;
    if (a.kind === 'unbind') {
      a.done();
      return;
    }
    this.consecutiveTimeouts = 0;
    const d = this.deliveries.get(a.itemId);
    if (!d) return;
    d.seqs.delete(pdu.sequence_number);
    const status = pdu.command_status;
    if (status === Status.ESME_ROK && pdu.command !== 'generic_nack') {
      if (d.seqs.size > 0) return; // more parts outstanding
      this.finishDelivery(d, null);
      return;
    }
    const effective = status === 0 ? Status.ESME_RSYSERR : status;
    if (effective === Status.ESME_RTHROTTLED || effective === Status.ESME_RMSGQFUL) {
      // The ESME asks us to slow down: no deliver_sm on this session for retryDelayMs.
      this.pausedUntil = Date.now() + this.ctx.settings.retryDelayMs;
    }
    this.finishDelivery(d, `${pdu.command} ${statusName(effective)}`);
  }

  private onDeliverTimeout(seq: number): void {
    const a = this.awaiting.get(seq);
    if (!a || a.kind !== 'deliver') return;
    this.awaiting.delete(seq);
    const d = this.deliveries.get(a.itemId);
    if (!d) return;
    this.ctx.totals.deliverTimeouts++;
    this.consecutiveTimeouts++;
    this.finishDelivery(d, `no deliver_sm_resp within ${this.ctx.settings.responseTimeoutMs} ms`);
    if (this.consecutiveTimeouts >= this.ctx.settings.maxConsecutiveTimeouts) {
      this.close(`${this.consecutiveTimeouts} deliver_sm in a row not answered`, true);
    }
  }

  /** Ends one item's delivery: `failure` null = acknowledged. */
  private finishDelivery(d: Delivery, failure: string | null): void {
    const info = this.infoValue!;
    for (const seq of d.seqs) {
      const a = this.awaiting.get(seq);
      if (a) clearTimeout(a.timer);
      this.awaiting.delete(seq);
    }
    d.seqs.clear();
    this.deliveries.delete(d.item.id);
    this.ctx.inFlight.delete(d.item.id);
    if (failure === null) {
      this.counters.delivered++;
      this.ctx.totals.delivered++;
      this.ctx.backend.delivered(d.item.id, info);
    } else {
      this.counters.deliverFailed++;
      this.ctx.totals.deliverFailed++;
      this.log.info({ item: d.item.id }, `SMPP deliver_sm failed: ${failure}; the item stays pending`);
      // Not offered to this session again before retryDelayMs (other sessions may take it).
      const until = Date.now() + this.ctx.settings.retryDelayMs;
      this.cooldown.set(d.item.id, until);
      this.scheduleRetry(until);
      this.ctx.backend.deliveryFailed(d.item.id, info, failure);
      // Another session of the account may take the item now.
      this.ctx.notifyAll();
    }
    if (!this.closing) this.fill();
  }

  // ---------------------------------------------------------------------------------------------
  // Link supervision

  /** Any PDU from the ESME restarts the enquire_link timer (§2.9 enquire_link_timer). */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.machine.bound || this.closing) return;
    this.idleTimer = setTimeout(() => this.guard(() => this.enquire()), this.ctx.settings.enquireLinkIntervalMs);
  }

  private enquire(): void {
    this.idleTimer = null;
    if (!this.machine.bound || this.closing) return;
    for (const a of this.awaiting.values()) if (a.kind === 'enquire_link') return;
    const seq = this.takeSeq();
    // §2.9 response_timer: no enquire_link_resp in time means the link is dead.
    const timer = setTimeout(() => this.guard(() => this.close(`no enquire_link_resp within ${this.ctx.settings.responseTimeoutMs} ms`)), this.ctx.settings.responseTimeoutMs);
    this.awaiting.set(seq, { kind: 'enquire_link', timer });
    this.send(encodePdu('enquire_link', seq));
    this.idleTimer = setTimeout(() => this.guard(() => this.enquire()), this.ctx.settings.enquireLinkIntervalMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  private takeSeq(): number {
    const s = this.nextSeq;
    // §5.1.4: sequence numbers 0x00000001 - 0x7FFFFFFF.
    this.nextSeq = this.nextSeq >= 0x7fffffff ? 1 : this.nextSeq + 1;
    return s;
  }

  private send(buf: Buffer, written?: () => void): boolean {
    if (this.socket.destroyed || !this.socket.writable) return false;
    if (this.socket.writableLength > this.ctx.settings.maxWriteBuffer) {
      // The ESME does not read its responses: stop before memory grows without bound.
      this.close(`peer is not reading (${this.socket.writableLength} octets queued)`);
      return false;
    }
    this.ctx.trace?.('out', buf, this);
    // Responses settled together (a group commit answers many submits at once) leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buf, written ? (err) => err || written() : undefined);
    return true;
  }

  private corked = false;

  private sendNack(sequence: number, status: number): void {
    this.counters.nacked++;
    this.ctx.totals.nacked++;
    this.send(encodeGenericNack(sequence, status));
  }

  private respond(pdu: SmppPdu, status: number, reason?: string, fields: Record<string, unknown> = {}, written?: () => void): void {
    if (reason) this.log.info({ command: pdu.command, sequence: pdu.sequence_number, status: statusName(status) }, `SMPP ${reason}`);
    const noResp = pdu.command_id === CommandId.outbind || pdu.command_id === CommandId.alert_notification;
    if (noResp) this.sendNack(pdu.sequence_number, status);
    else this.send(encodeResponse(pdu.command_id, pdu.sequence_number, status, fields), written);
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  /**
   * Closes the session (idempotent). In-flight deliveries go back to the backend as failed.
   * `graceful`: flush what was written (end), else destroy at once.
   */
  close(reason: string, graceful = false): void {
    if (this.closing) return;
    this.closing = true;
    this.log.info({ reason }, 'SMPP session closed');
    for (const t of [this.bindTimer, this.idleTimer, this.retryTimer]) if (t) clearTimeout(t);
    this.bindTimer = this.idleTimer = this.retryTimer = null;
    const info = this.infoValue;
    for (const a of this.awaiting.values()) {
      clearTimeout(a.timer);
      if (a.kind === 'unbind') a.done();
    }
    this.awaiting.clear();
    const hadDeliveries = this.deliveries.size > 0;
    for (const d of [...this.deliveries.values()]) {
      this.deliveries.delete(d.item.id);
      this.ctx.inFlight.delete(d.item.id);
      this.counters.deliverFailed++;
      this.ctx.totals.deliverFailed++;
      if (info) this.safe(() => this.ctx.backend.deliveryFailed(d.item.id, info, `session closed: ${reason}`));
    }
    if (this.machine.state !== 'CLOSED') this.machine.transition('CLOSED');
    if (graceful && !this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    } else {
      this.socket.destroy();
    }
    if (info) this.safe(() => this.ctx.backend.sessionClosed?.(info));
    this.safe(() => this.ctx.onClosed(this));
    if (hadDeliveries) this.ctx.notifyAll();
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.totals.handlerErrors++;
      this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'SMPP backend callback failed during close');
    }
  }
}
