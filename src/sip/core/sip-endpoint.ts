/**
 * The SIP endpoint: transports, transactions and dialogs joined (RFC 3261 §8, §9, §12–§17). Incoming
 * messages are matched to transactions, new requests checked (§8.2) and dispatched to a handler per
 * method; in-dialog requests and stray 2xx go to the dialog layer. The client side sends requests in
 * new client transactions and INVITEs through the dialog layer's UAC core.
 */
import { DialogLayer, type DialogSendTarget, type UasInvite } from '../dialog/index.js';
import { createAckForNon2xx, createResponse, serializeSipMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { InviteClientTransaction } from '../transaction/invite-client-transaction.js';
import { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { NonInviteClientTransaction } from '../transaction/non-invite-client-transaction.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server-transaction.js';
import { TrackedScheduler } from './tracked-scheduler.js';
import { BatchedTimerScheduler } from './batched-timer-scheduler.js';
import { AcceptedInvites } from './accepted-invites.js';
import { CompletedRequests } from './completed-requests.js';
import { NO_BYTES, type TransactionRequest, type TransactionResponse } from '../transaction/transaction-message.js';
import type { ClientTransactionReport, ServerTransactionReport } from '../transaction/transaction-report.js';
import { TransactionTable } from '../transaction/transaction-table.js';
import { resolveTransactionTimers, type TransactionTimers } from '../transaction/transaction-timer-options.js';
import type { BoundTransactionTransport, IncomingSipMessage, SipTarget } from '../transport/index.js';
import type { OutgoingInvite, SipInviteEvents, SipInviteOutcome, SipRequestEvents, SipRequestOutcome } from './client-outcome.js';
import { nextHopTarget } from './next-hop.js';
import { checkNewRequest, type RequestRejection } from './request-checks.js';
import { DEFAULT_ACCEPT, type SipEndpointOptions } from './sip-endpoint-options.js';
import type { SipDialogListener, SipIncomingRequest, SipRequestHandler, SipRespondVerdict, SipResponseSpec } from './sip-request-handler.js';
import { StatelessAnswers } from './stateless-answers.js';
import { ServerTransactions, type ServerTransaction } from './server-transactions.js';
import { transactionRequestOf, transactionResponseOf } from './transaction-views.js';
import { IncomingInvites, inviteResponseKey, type IncomingInviteEntry } from './incoming-invites.js';

/** A response view that still carries the parsed message, for the TU. */
interface ResponseView extends TransactionResponse {
  readonly message: SipResponse;
}
type ClientTransaction = InviteClientTransaction<ResponseView> | NonInviteClientTransaction<ResponseView>;

/** One incoming INVITE while anything may go through it (incoming-invites.ts). */
interface InviteEntry extends IncomingInviteEntry {
  readonly incoming: MutableIncoming;
}
type MutableIncoming = SipIncomingRequest & { cancelled: boolean };

/** Methods the endpoint answers itself whatever the handlers are. */
const BUILT_IN_METHODS = ['ACK', 'CANCEL', 'BYE', 'OPTIONS'];

export class SipEndpoint {
  readonly dialogs: DialogLayer;
  readonly timers: TransactionTimers;
  private readonly scheduler: TrackedScheduler | BatchedTimerScheduler;
  /** Non-INVITE transactions on UDP waiting out Timer J in compact form. */
  private readonly completed: CompletedRequests;
  /** INVITE server transactions whose 2xx was acknowledged, waiting out Timer L in compact form. */
  private readonly accepted: AcceptedInvites;
  private readonly table = new TransactionTable<ClientTransaction, ServerTransaction>();
  private readonly handlers = new Map<string, SipRequestHandler>();
  /** Parts that take part in dialogs without handling a method (our own INVITEs' dialogs). */
  private readonly dialogListeners = new Set<SipDialogListener>();
  private readonly invites = new IncomingInvites<InviteEntry>();
  /** Where each outgoing INVITE went, so its CANCEL follows it (§9.1). */
  private readonly inviteTargets = new Map<string, SipTarget>();
  private readonly stateless: StatelessAnswers;
  private readonly serverTransactions: ServerTransactions;
  private allowed: readonly string[] | undefined;

  constructor(private readonly options: SipEndpointOptions) {
    const timers = resolveTransactionTimers(options.timers);
    if (!timers.ok) throw new RangeError(`sip endpoint timers: ${timers.problems.join('; ')}`);
    this.timers = timers.timers;
    // An injected scheduler (tests on fake time) is tracked for close(); real time gets the batched one.
    this.scheduler = options.scheduler === undefined
        ? new BatchedTimerScheduler({ onError: (error) => options.log.error({ err: error }, 'sip endpoint: a timer failed') })
        : new TrackedScheduler(options.scheduler);
    this.completed = new CompletedRequests(this.scheduler, () => this.timers.timerJMs);
    this.accepted = new AcceptedInvites(this.scheduler, () => this.timers.timerLMs);
    this.serverTransactions = new ServerTransactions({
      transports: options.transports,
      timers: this.timers,
      scheduler: this.scheduler,
      completed: this.completed,
      version: options.local.version,
      responseView: (response) => this.responseView(response),
      inviteReport: (transaction, report) => this.inviteServerReport(transaction, report),
    });
    this.stateless = new StatelessAnswers({
      transports: options.transports,
      version: options.local.version,
      log: options.log,
      rateLimit: options.rateLimit,
      supported: options.supported ?? [],
      allowedMethods: () => this.allowedList(),
      handlerFor: (method) => this.handlers.get(method),
      completed: this.completed,
    });
    this.dialogs = new DialogLayer({
      local: options.local,
      scheduler: this.scheduler,
      t1Ms: this.timers.t1Ms,
      t2Ms: this.timers.t2Ms,
      send: (message, target) => this.sendFromDialog(message, target),
      report: (report) => {
        this.tellHandlers((handler) => handler.dialogUnacknowledged?.(report));
        options.onNoAck?.(report);
      },
    });
    options.transports.setReceiver((incoming) => {
      if (incoming.kind !== 'message') return;
      try {
        if (incoming.message.kind === 'response') this.receiveResponse(incoming.message);
        else this.receiveRequest(incoming.message, incoming);
      } catch (error) {
        // A handler or state-machine bug must not take the transports down with it.
        options.log.error({ err: error }, 'sip endpoint: failed to handle a message');
      }
    });
  }

  /** Registers the handler for new requests of `method` (and in-dialog requests of that method). */
  handle(method: string, handler: SipRequestHandler): void {
    this.handlers.set(method, handler);
    this.allowed = undefined;
  }

  /** Hears the dialog events the handlers hear (ACK, BYE, no ACK) without handling a method; returns the removal. */
  addDialogListener(listener: SipDialogListener): () => void {
    this.dialogListeners.add(listener);
    return () => void this.dialogListeners.delete(listener);
  }

  /** The methods a 405 or an OPTIONS answer lists in Allow (§8.2.1, §11.2). */
  allowedMethods(): string[] {
    return [...this.allowedList()];
  }

  /** The same list, worked out once per change of handlers (every new request is checked against it). */
  private allowedList(): readonly string[] {
    this.allowed ??= [...new Set([...BUILT_IN_METHODS, ...this.handlers.keys()])];
    return this.allowed;
  }

  get transactionCounts(): { readonly client: number; readonly server: number } {
    // Transactions waiting out Timer J or L in the compact stores count as server ones.
    return { client: this.table.clientCount, server: this.table.serverCount + this.completed.size + this.accepted.size };
  }

  // ---- incoming -------------------------------------------------------------------------------

  private receiveResponse(response: SipResponse): void {
    const view: ResponseView = { ...transactionResponseOf(response, NO_BYTES), message: response };
    const client = this.table.findClient(view);
    if (client !== undefined) {
      client.receiveResponse(view);
      return;
    }
    // Stray: a 2xx to INVITE after the transaction ended (late 200, a fork) still needs its ACK.
    if (response.statusCode >= 200 && response.statusCode < 300 && response.cseq?.method === 'INVITE') this.dialogs.receiveResponse(response);
  }

  private receiveRequest(request: SipRequest, incoming: IncomingSipMessage): void {
    const view = transactionRequestOf(request, NO_BYTES);
    if (view === undefined) return;
    const existing = this.table.findServer(view);
    if (existing !== undefined) {
      // A retransmission or an ACK for a non-2xx (§17.2.3); an ACK with the INVITE's branch in
      // Accepted comes back through the `ack` report.
      const verdict = existing.receiveRequest(view);
      if (verdict === 'passed-to-tu' && request.method === 'ACK') this.receiveAck(request);
      return;
    }
    if (request.method === 'ACK') return this.receiveAck(request);
    if (this.completed.answers(view) || this.accepted.absorbs(view)) return;
    const inDialog = request.to?.tag !== undefined;
    if (!inDialog && request.method !== 'CANCEL' && !this.stateless.admit(request, incoming)) return;
    if (!inDialog && this.stateless.answered(request, view, incoming)) return;
    const transaction = this.serverTransactions.create(request, view, incoming);
    if (this.table.addServer(transaction) !== 'added') return;
    if (request.method === 'CANCEL') return this.receiveCancel(request, view, transaction as NonInviteServerTransaction);
    if (inDialog) return this.receiveInDialog(request, incoming, transaction);
    const rejection = checkNewRequest(request, this.allowedList(), this.options.supported ?? []);
    if (rejection !== undefined) return void this.respondWith(transaction, request, rejection);
    if (request.method === 'INVITE') return this.receiveInvite(request, incoming, transaction as InviteServerTransaction);
    const handler = this.handlers.get(request.method);
    if (handler === undefined) {
      // Only OPTIONS (answered by default, §11.2) and BYE outside a dialog (§15.1.2: 481) get here.
      if (request.method === 'OPTIONS') return void this.respondWith(transaction, request, this.optionsAnswer());
      return void this.respondWith(transaction, request, { statusCode: 481, reasonPhrase: 'Call/Transaction Does Not Exist', headers: [] });
    }
    this.dispatch(handler, this.incomingFor(request, incoming, transaction, undefined));
  }

  /** An ACK for a 2xx goes to the dialog layer; the handlers hear of the dialog it confirmed. */
  private receiveAck(ack: SipRequest): void {
    const verdict = this.dialogs.receiveRequest(ack);
    if (verdict.kind !== 'ack') return;
    this.inviteAcknowledged(verdict.uas);
    this.tellHandlers((handler) => handler.dialogAcknowledged?.(verdict.dialog, ack));
  }

  /**
   * The 2xx was acknowledged: the INVITE's entry (the parsed INVITE, the handler's context, the UAS and
   * its dialog) goes now, not with Timer L 32 s later, and the transaction's wait to absorb retransmitted
   * INVITEs (RFC 6026 §8.7) to the compact store (accepted-invites.ts).
   */
  private inviteAcknowledged(uas: UasInvite): void {
    const entry = this.invites.removeUas(uas);
    if (entry === undefined) return;
    this.dialogs.inviteServerDone(uas);
    this.accepted.finish(entry.transaction);
  }

  /** Dialog events go to every handler with the hook; one that throws is logged and the others still hear. */
  private tellHandlers(tell: (handler: SipDialogListener) => void): void {
    for (const handler of new Set<SipDialogListener>([...this.handlers.values(), ...this.dialogListeners])) {
      try {
        tell(handler);
      } catch (error) {
        this.options.log.error({ err: error }, 'sip endpoint: a handler failed on a dialog event');
      }
    }
  }

  /** A handler that throws leaves its request answered 500 (§21.5.1) rather than hanging. */
  private dispatch(handler: SipRequestHandler, incoming: SipIncomingRequest): void {
    try {
      handler.handleRequest(incoming);
    } catch (error) {
      this.options.log.error({ err: error, method: incoming.request.method }, 'sip endpoint: request handler failed');
      incoming.respond(500, 'Server Internal Error');
    }
  }

  private inviteServerReport(transaction: InviteServerTransaction, report: ServerTransactionReport): void {
    // The `ack` report (RFC 6026 §8.7, an ACK that reused the INVITE's branch) is handled where the
    // ACK message itself is at hand, in receiveRequest.
    if (report.kind !== 'terminated') return;
    const entry = this.invites.removeTransaction(transaction);
    if (entry !== undefined) this.dialogs.inviteServerDone(entry.uas);
  }

  private receiveInvite(request: SipRequest, incoming: IncomingSipMessage, transaction: InviteServerTransaction): void {
    const uas = this.dialogs.receiveInvite(request, incoming.transport === 'tls');
    const context = this.incomingFor(request, incoming, transaction, uas);
    this.invites.add({ transaction, uas, incoming: context });
    transaction.start();
    this.dispatch(this.handlers.get('INVITE')!, context);
  }

  /** §9.2: 200 for the CANCEL, 487 for the INVITE it matches if still unanswered; 481 when none. */
  private receiveCancel(cancel: SipRequest, view: TransactionRequest, transaction: NonInviteServerTransaction): void {
    const target = this.table.findCancelTarget(view);
    const entry = target instanceof InviteServerTransaction ? this.invites.forTransaction(target) : undefined;
    if (entry === undefined) {
      // An INVITE answered 2xx and acknowledged (its entry gone): the CANCEL matched a transaction and
      // has no effect, 200 with the 2xx's To tag (§9.2).
      const toTag = this.accepted.cancelled(view, target);
      if (toTag !== undefined) return void this.respondWith(transaction, cancel, { statusCode: 200, reasonPhrase: 'OK', headers: [] }, toTag);
      return void this.respondWith(transaction, cancel, { statusCode: 481, reasonPhrase: 'Call/Transaction Does Not Exist', headers: [] });
    }
    this.respondWith(transaction, cancel, { statusCode: 200, reasonPhrase: 'OK', headers: [] }, entry.uas.localTag);
    if (entry.uas.state !== 'proceeding') return;
    entry.incoming.cancelled = true;
    entry.uas.respond(487, 'Request Terminated');
    this.handlers.get('INVITE')?.requestCancelled?.(entry.incoming);
  }

  private receiveInDialog(request: SipRequest, incoming: IncomingSipMessage, transaction: ServerTransaction): void {
    const verdict = this.dialogs.receiveRequest(request);
    switch (verdict.kind) {
      case 'respond':
        return void this.sendThrough(transaction, verdict.response);
      case 'bye':
        this.sendThrough(transaction, verdict.response);
        this.tellHandlers((handler) => handler.dialogByeReceived?.(verdict.dialog, request));
        return void this.options.onBye?.(verdict.dialog, request);
      case 'in-dialog': {
        const handler = this.handlers.get(request.method);
        const context = this.incomingFor(request, incoming, transaction, undefined, verdict.dialog);
        if (handler === undefined) {
          const allow = this.allowedMethods().join(', ');
          return void context.respond(405, 'Method Not Allowed', { headers: [['Allow', allow]] });
        }
        // A re-INVITE gets 100 Trying and the no-answer timeout like any INVITE (§17.2.1).
        if (transaction instanceof InviteServerTransaction) transaction.start();
        return this.dispatch(handler, context);
      }
      default:
        // 'out-of-dialog' and 'discard' cannot happen for a tagged non-ACK request.
        return;
    }
  }

  private optionsAnswer(): RequestRejection {
    const headers: [string, string][] = [['Allow', this.allowedMethods().join(', ')], ['Accept', (this.options.accept ?? DEFAULT_ACCEPT).join(', ')]];
    if ((this.options.supported ?? []).length > 0) headers.push(['Supported', this.options.supported!.join(', ')]);
    return { statusCode: 200, reasonPhrase: 'OK', headers };
  }

  private incomingFor(request: SipRequest, incoming: IncomingSipMessage, transaction: ServerTransaction, uas: UasInvite | undefined, dialog = uas?.dialog): MutableIncoming {
    const respond = (statusCode: number, reasonPhrase: string, spec: SipResponseSpec = {}): SipRespondVerdict => {
      if (uas !== undefined) return this.respondAsUas(uas, transaction, statusCode, reasonPhrase, spec);
      const response = createResponse(request, statusCode, reasonPhrase, { version: this.options.local.version, ...spec });
      return this.sendThrough(transaction, response);
    };
    return {
      request,
      source: incoming.source,
      transport: incoming.transport,
      get dialog() {
        return uas?.dialog ?? dialog;
      },
      uas,
      cancelled: false,
      respond,
    };
  }

  private respondAsUas(uas: UasInvite, transaction: ServerTransaction, statusCode: number, reasonPhrase: string, spec: SipResponseSpec): SipRespondVerdict {
    if (uas.state !== 'proceeding') return { ok: false, reason: 'already-final' };
    if (transaction.state === 'terminated') return { ok: false, reason: 'transaction-ended' };
    const verdict = uas.respond(statusCode, reasonPhrase, spec);
    if (verdict.kind !== 'invalid') return { ok: true, response: verdict.response };
    // The INVITE cannot make a dialog (no Contact…): refuse it rather than half-accept it.
    this.sendThrough(transaction, createResponse(uas.invite, 400, 'Bad Request', { version: this.options.local.version, toTag: uas.localTag }));
    return { ok: false, reason: 'invalid-invite' };
  }

  private respondWith(transaction: ServerTransaction, request: SipRequest, rejection: RequestRejection, toTag?: string): SipRespondVerdict {
    const response = createResponse(request, rejection.statusCode, rejection.reasonPhrase, { version: this.options.local.version, headers: rejection.headers, ...(toTag === undefined ? {} : { toTag }) });
    return this.sendThrough(transaction, response);
  }

  /** A response through its server transaction; an answer the machine refuses is reported, not thrown. */
  private sendThrough(transaction: ServerTransaction, response: SipResponse): SipRespondVerdict {
    if (transaction.state === 'terminated') return { ok: false, reason: 'transaction-ended' };
    try {
      // Only an INVITE server transaction reads anything of its response beyond the bytes: the To tag,
      // to match an RFC 2543 ACK (§17.2.3). Branch and CSeq method are for client-side matching.
      const view = transaction instanceof InviteServerTransaction ? this.responseView(response) : { statusCode: response.statusCode, bytes: serializeSipMessage(response) };
      const sent = transaction.respond(view);
      if (sent === 'discarded') return { ok: false, reason: 'already-final' };
      return { ok: true, response };
    } catch {
      return { ok: false, reason: 'already-final' };
    }
  }

  private responseView(response: SipResponse): TransactionResponse {
    return transactionResponseOf(response, serializeSipMessage(response));
  }

  // ---- what the dialog layer sends ------------------------------------------------------------

  private sendFromDialog(message: SipMessage, target: DialogSendTarget): void {
    if (message.kind === 'response') return this.sendDialogResponse(message);
    const destination = this.destinationOf(message, target.kind === 'response' ? message.uri : target.nextHop);
    if (destination === undefined) {
      this.options.log.warn({ method: message.method, uri: message.uri }, 'sip endpoint: no route for a dialog request');
      return;
    }
    if (target.kind === 'ack') {
      // §17.1.1.3: the ACK for a 2xx has no transaction; straight to the transport.
      this.options.transports.send(destination, message).catch((error: unknown) => this.options.log.debug({ err: error }, 'sip endpoint: ACK not sent'));
      return;
    }
    void this.sendRequest(message, destination).then((outcome) => {
      if (outcome.kind !== 'response') this.options.log.debug({ method: message.method, outcome: outcome.kind }, 'sip endpoint: dialog request got no response');
    });
  }

  /** Our responses to an INVITE (2xx retransmissions included) go through its server transaction. */
  private sendDialogResponse(response: SipResponse): void {
    const entry = this.invites.forResponse(response);
    if (entry === undefined) {
      // The transaction is gone (Timer L, 64·T1 after the 2xx): the retransmitter gives up at the
      // same time (§13.3.1.4), so nothing is lost by dropping this one.
      return;
    }
    this.sendThrough(entry.transaction, response);
  }

  /** A CANCEL follows its INVITE (§9.1); other requests go to the outbound proxy or their next hop. */
  private destinationOf(request: SipRequest, nextHop: string): SipTarget | undefined {
    if (request.method === 'CANCEL') {
      const key = inviteResponseKey(request);
      const target = key === undefined ? undefined : this.inviteTargets.get(key);
      if (target !== undefined) return target;
    }
    if (this.options.outboundProxy !== undefined) return this.options.outboundProxy;
    const verdict = nextHopTarget(nextHop);
    return verdict.ok ? verdict.target : undefined;
  }

  // ---- client side ----------------------------------------------------------------------------

  /**
   * Sends a non-INVITE request in a new client transaction (§17.1.2) and resolves with its final
   * response, Timer F, or a transport error. The request must carry our Via with a fresh branch.
   */
  sendRequest(request: SipRequest, target: SipTarget, events: SipRequestEvents = {}): Promise<SipRequestOutcome> {
    return new Promise((resolve) => {
      const view = transactionRequestOf(request);
      if (view === undefined || request.method === 'INVITE' || request.method === 'ACK') {
        resolve({ kind: 'transport-error', error: new Error(`sip endpoint: cannot send ${request.method} in a non-INVITE transaction`) });
        return;
      }
      let transaction: NonInviteClientTransaction<ResponseView>;
      const transport = this.clientTransport(target, (error) => transaction.transportError(error));
      if (transport === undefined) return resolve({ kind: 'transport-error', error: new Error(`sip endpoint: no ${target.kind} transport`) });
      transaction = new NonInviteClientTransaction<ResponseView>({
        request: view,
        transport,
        timers: this.timers,
        scheduler: this.scheduler,
        report: (report) => {
          if (report.kind === 'response') {
            if (report.response.statusCode < 200) events.onProvisional?.(report.response.message);
            else resolve({ kind: 'response', response: report.response.message });
          } else if (report.kind === 'timeout') resolve({ kind: 'timeout' });
          else if (report.kind === 'transport-error') resolve({ kind: 'transport-error', error: report.error });
        },
      });
      const added = this.table.addClient(transaction);
      if (added !== 'added') return resolve({ kind: 'transport-error', error: new Error(`sip endpoint: client transaction not added (${added})`) });
      transaction.start();
    });
  }

  /**
   * Sends a dialog-creating INVITE (§13.2) through the dialog layer's UAC core: early dialogs on 1xx,
   * the ACK for each 2xx, the transaction's ACK for 3xx–6xx, and CANCEL while no final response came.
   */
  sendInvite(invite: SipRequest, target: SipTarget, events: SipInviteEvents = {}): OutgoingInvite {
    const view = transactionRequestOf(invite);
    if (view === undefined || invite.method !== 'INVITE') throw new Error('sip endpoint: sendInvite needs an INVITE with a Via and a CSeq');
    const uac = this.dialogs.sendInvite(invite, target.kind === 'tls');
    const key = inviteResponseKey(invite);
    if (key !== undefined) this.inviteTargets.set(key, target);
    let settle: (outcome: SipInviteOutcome) => void = () => undefined;
    const outcome = new Promise<SipInviteOutcome>((resolve) => {
      let done = false;
      settle = (value) => {
        if (!done) resolve(value);
        done = true;
      };
    });
    let transaction: InviteClientTransaction<ResponseView>;
    const transport = this.clientTransport(target, (error) => transaction.transportError(error));
    if (transport === undefined) throw new Error(`sip endpoint: no ${target.kind} transport`);
    transaction = new InviteClientTransaction<ResponseView>({
      request: view,
      transport,
      timers: this.timers,
      scheduler: this.scheduler,
      buildAck: (response) => serializeSipMessage(createAckForNon2xx(invite, response.message, this.options.local.version)),
      report: (report) => this.inviteClientReport(report, uac, key, events, settle),
    });
    const added = this.table.addClient(transaction);
    if (added !== 'added') throw new Error(`sip endpoint: INVITE client transaction not added (${added})`);
    transaction.start();
    return { uac, outcome, cancel: () => uac.cancel() };
  }

  private inviteClientReport(report: ClientTransactionReport<ResponseView>, uac: ReturnType<DialogLayer['sendInvite']>, key: string | undefined, events: SipInviteEvents, settle: (outcome: SipInviteOutcome) => void): void {
    switch (report.kind) {
      case 'response': {
        const response = report.response.message;
        const verdict = uac.receiveResponse(response);
        if (verdict.kind === 'early') events.onProvisional?.(response, verdict.dialog);
        else if (verdict.kind === 'provisional') events.onProvisional?.(response, undefined);
        else if (verdict.kind === 'confirmed') settle({ kind: 'answered', response, dialog: verdict.dialog });
        else if (verdict.kind === 'failed') settle({ kind: 'failed', response });
        return;
      }
      case 'timeout':
        return settle({ kind: 'timeout' });
      case 'transport-error':
        return settle({ kind: 'transport-error', error: report.error });
      case 'terminated':
        this.dialogs.inviteTransactionTerminated(uac);
        if (key !== undefined) this.inviteTargets.delete(key);
        return settle({ kind: 'timeout' });
    }
  }

  private clientTransport(target: SipTarget, onError: (error: Error) => void): BoundTransactionTransport | undefined {
    try {
      return this.options.transports.transactionTransport({ target }, onError);
    } catch {
      return undefined;
    }
  }

  /** Stops every transaction and dialog timer and closes the transports. */
  async close(): Promise<void> {
    this.completed.close();
    this.accepted.close();
    this.scheduler.close();
    await this.options.transports.close();
  }
}
