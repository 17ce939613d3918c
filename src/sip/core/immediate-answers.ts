/**
 * A handler's final answer to a new non-INVITE request, decided at once (`answerAtOnce`), sent
 * without building a server transaction. RFC 3261 §17.2.2: a non-INVITE server transaction given
 * its final response while Trying sends it, enters Completed, answers every retransmission with that
 * response until Timer J (64·T1 on UDP, zero on reliable transports) and passes nothing more up. On
 * UDP the completed-request store does exactly that from the first moment; on TCP and TLS nothing
 * remains to do once the response is sent. Under a REGISTER flood this spares a transaction object,
 * its table entry and its closures per authenticated request.
 */
import { createResponse, serializeSipMessage, type SipRequest } from '../message/index.js';
import { serverKeyOfRequest } from '../transaction/transaction-key.js';
import type { TransactionRequest } from '../transaction/transaction-message.js';
import type { IncomingSipMessage, SipTransportSet } from '../transport/index.js';
import type { Logger } from '../../util/log.js';
import { detachedString } from '../../util/detached-string.js';
import type { CompletedRequests } from './completed-requests.js';
import type { SipRequestHandler, SipStatelessAnswer } from './sip-request-handler.js';

export interface ImmediateAnswersOptions {
  readonly transports: SipTransportSet;
  readonly version: string;
  readonly log: Logger;
  readonly completed: CompletedRequests;
}

const ignore = (): void => undefined;

export class ImmediateAnswers {
  constructor(private readonly options: ImmediateAnswersOptions) {}

  /**
   * True when the handler answered the request at once and the answer went out as its transaction
   * would have sent it. False leaves the request to a server transaction and `handleRequest`: no
   * hook, no answer, or a UDP request with an RFC 2543 branch (matching its retransmissions needs the
   * To tag comparison the transaction table makes).
   */
  answered(request: SipRequest, view: TransactionRequest, incoming: IncomingSipMessage, handler: SipRequestHandler): boolean {
    if (handler.answerAtOnce === undefined) return false;
    const { transports, completed } = this.options;
    const reliable = transports.get(incoming.transport)?.reliable ?? true;
    const keyed = reliable ? undefined : serverKeyOfRequest(view);
    if (keyed !== undefined && (!keyed.ok || keyed.legacy)) return false;
    let answer: SipStatelessAnswer | undefined;
    try {
      answer = handler.answerAtOnce(request, incoming.source, incoming.transport);
    } catch (error) {
      this.options.log.error({ err: error, method: request.method }, 'sip endpoint: immediate answer failed; going on with a transaction');
      return false;
    }
    if (answer === undefined) return false;
    const response = createResponse(request, answer.statusCode, answer.reasonPhrase, { version: this.options.version, headers: answer.headers ?? [] });
    const bytes = serializeSipMessage(response);
    if (keyed === undefined) {
      transports.sendResponse(bytes, incoming, request.topVia).catch(ignore);
      return true;
    }
    // Unroutable (a Via host that is no IP address): a transaction would fail on its transport too.
    const target = transports.datagramReplyTarget(incoming, request.topVia);
    if (target === undefined) return true;
    target.resend(bytes);
    // The key outlives the message by Timer J: a string of its own, not slices of the message text.
    completed.add(detachedString(keyed.key), bytes, target);
    return true;
  }
}
