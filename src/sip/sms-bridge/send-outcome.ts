/**
 * How the end of a MESSAGE's client transaction counts for a delivery job (src/sms/delivery-worker.ts):
 * a 2xx delivered it; 408, 480 and 503 may pass (RFC 3261 §21.4.9, §21.4.18, §21.5.4), as do a
 * timeout (Timer F, §17.1.2.2) and a transport error; any other final response is a refusal a retry
 * cannot change (PermanentDeliveryError). A Retry-After on 480/503 is passed on as `retryAfterMs`.
 */
import { PermanentDeliveryError } from '../../sms/delivery-worker.js';
import type { SipRequestOutcome } from '../core/index.js';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 480, 503]);

/** A failed attempt worth repeating; `retryAfterMs` from the peer's Retry-After. */
export class RetryableSendError extends Error {
  override readonly name = 'RetryableSendError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Undefined when delivered; else the error to throw for the delivery worker. */
export function sendErrorOf(outcome: SipRequestOutcome, where: string): Error | undefined {
  switch (outcome.kind) {
    case 'timeout':
      return new RetryableSendError(`${where}: no final response (timeout)`);
    case 'transport-error':
      return new RetryableSendError(`${where}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
    case 'response': {
      const { statusCode, reasonPhrase } = outcome.response;
      if (statusCode >= 200 && statusCode < 300) return undefined;
      const text = `${where}: ${statusCode} ${reasonPhrase}`;
      if (!RETRYABLE_STATUSES.has(statusCode)) return new PermanentDeliveryError(text);
      const after = Number(outcome.response.headers.get('retry-after')?.trim().split(/[\s;(]/)[0]);
      return new RetryableSendError(text, Number.isInteger(after) && after > 0 ? after * 1000 : undefined);
    }
  }
}
