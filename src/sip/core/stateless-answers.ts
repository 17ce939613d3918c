/**
 * The answers the endpoint sends without a server transaction: the per-source rate limit (dropped,
 * or 503 with Retry-After, §8.2.6.1 allows it stateless so a flood cannot fill the transaction table)
 * and a handler's stateless answer to a new non-INVITE request (RFC 3261 §8.2.7, typically an
 * unauthenticated challenge).
 */
import { createResponse, type SipRequest } from '../message/index.js';
import type { IncomingSipMessage, SipTransportSet } from '../transport/index.js';
import type { TransactionRequest } from '../transaction/transaction-message.js';
import type { CompletedRequests } from './completed-requests.js';
import { ImmediateAnswers } from './immediate-answers.js';
import type { Logger } from '../../util/log.js';
import { checkNewRequest } from './request-checks.js';
import type { SipRequestHandler, SipStatelessAnswer } from './sip-request-handler.js';
import { SourceRateLimiter, type SourceRateLimitOptions } from './source-rate-limiter.js';

export interface StatelessAnswersOptions {
  readonly transports: SipTransportSet;
  readonly version: string;
  readonly log: Logger;
  readonly rateLimit: (SourceRateLimitOptions & { readonly rejectOverLimit?: boolean }) | null | undefined;
  readonly supported: readonly string[];
  readonly allowedMethods: () => readonly string[];
  readonly handlerFor: (method: string) => SipRequestHandler | undefined;
  /** Where answers given at once on UDP wait out Timer J (immediate-answers.ts). */
  readonly completed: CompletedRequests;
}

export class StatelessAnswers {
  private readonly limiter: SourceRateLimiter | undefined;
  private readonly immediate: ImmediateAnswers;

  constructor(private readonly options: StatelessAnswersOptions) {
    this.limiter = options.rateLimit === null ? undefined : new SourceRateLimiter(options.rateLimit ?? {});
    this.immediate = new ImmediateAnswers(options);
  }

  /** The per-source rate limit: true to go on. Over the limit: dropped, or 503 when configured. */
  admit(request: SipRequest, incoming: IncomingSipMessage): boolean {
    if (this.limiter === undefined) return true;
    const verdict = this.limiter.take(incoming.source.ip);
    if (verdict.allowed) return true;
    this.options.log.debug({ source: incoming.source, method: request.method }, 'sip endpoint: request over the per-source rate limit');
    if (this.options.rateLimit?.rejectOverLimit === true) this.send(request, incoming, { statusCode: 503, reasonPhrase: 'Service Unavailable', headers: [['Retry-After', String(verdict.retryAfterSeconds)]] });
    return false;
  }

  /**
   * True when the method's handler answered this new non-INVITE request without a transaction
   * object: statelessly (§8.2.7), else at once with its final answer (immediate-answers.ts). Only
   * requests that pass the §8.2 checks are offered to it, so a refusal keeps its usual (stateful) answer.
   */
  answered(request: SipRequest, view: TransactionRequest, incoming: IncomingSipMessage): boolean {
    if (request.method === 'INVITE' || request.method === 'CANCEL') return false;
    const handler = this.options.handlerFor(request.method);
    if (handler === undefined || (handler.answerStatelessly === undefined && handler.answerAtOnce === undefined)) return false;
    if (checkNewRequest(request, this.options.allowedMethods(), this.options.supported) !== undefined) return false;
    return this.answeredStatelessly(request, incoming, handler) || this.immediate.answered(request, view, incoming, handler);
  }

  private answeredStatelessly(request: SipRequest, incoming: IncomingSipMessage, handler: SipRequestHandler): boolean {
    if (handler.answerStatelessly === undefined) return false;
    let answer: SipStatelessAnswer | undefined;
    try {
      answer = handler.answerStatelessly(request, incoming.source, incoming.transport);
    } catch (error) {
      this.options.log.error({ err: error, method: request.method }, 'sip endpoint: stateless answer failed; going on with a transaction');
      return false;
    }
    if (answer === undefined) return false;
    this.send(request, incoming, answer);
    return true;
  }

  private send(request: SipRequest, incoming: IncomingSipMessage, answer: SipStatelessAnswer): void {
    const response = createResponse(request, answer.statusCode, answer.reasonPhrase, { version: this.options.version, headers: answer.headers ?? [] });
    this.options.transports.sendResponse(response, incoming, request.topVia).catch(() => undefined);
  }
}
