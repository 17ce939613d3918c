/**
 * Forward to a webhook: an HTTP POST of the JSON payload of src/sms/forward-format.ts
 * (`buildWebhookPayload`), like the event/CDR URLs of PBXs that POST JSON to a third-party server.
 *
 * Headers: `Content-Type: application/json`, `User-Agent: cellgate/<version>`,
 * `X-Cellgate-Delivery: <job id>` (the same on every attempt of a job: deliveries are at-least-once,
 * so the receiver dedupes by it), and `X-Cellgate-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` when the rule has a secret (signWebhook; verify with verifyWebhook).
 *
 * The secret is not in the job: it is looked up by URL in the current rules at send time. A job whose
 * URL no rule has any more fails for good (the operator removed that forward).
 *
 * Outcome: 2xx done; 408, 429, 5xx, network errors and timeouts are retried (a Retry-After of 429/503
 * is honoured up to the back-off maximum); redirects are not followed (a POST must not turn into a
 * GET) and fail for good like every other status.
 */
import type { Delivery } from '../../store/message-store.js';
import { httpPost, type PostAnswer } from '../../util/http-post.js';
import type { Logger } from '../../util/log.js';
import { PermanentDeliveryError, type DeliveryHandler } from '../delivery-worker.js';
import { formatWebhookBody, signWebhook } from '../forward-format.js';
import { lineOf, messageOf, partialOf, slotNumber, type GetInbound } from './common.js';

export interface WebhookSettings {
  secret?: string;
  timeoutSec?: number;
}

export interface WebhookForwarderOptions {
  getInbound: GetInbound;
  /** The settings of a webhook URL in the current forwarding rules (fanout.ts webhookRuleFor). */
  lookup: (url: string) => WebhookSettings | undefined;
  /** cellgate's version, for the User-Agent. */
  version: string;
  log: Logger;
  /** Default request timeout when the rule sets none (default 10 s). */
  defaultTimeoutSec?: number;
  now?: () => number;
}

/** An HTTP outcome worth retrying, optionally with the server's Retry-After. */
export class WebhookRetryError extends Error {
  override readonly name = 'WebhookRetryError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Whether an HTTP status is worth retrying: 408, 429 and 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date; milliseconds from now, or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function networkErrorText(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'timed out';
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return `${e.message}: ${typeof code === 'string' ? code : cause.message}`;
    }
    return e.message;
  }
  return String(e);
}

function excerpt(res: PostAnswer): string {
  const t = res.text.replace(/\s+/g, ' ').trim();
  return t ? `: ${t.slice(0, 200)}` : '';
}

export function createWebhookForwarder(o: WebhookForwarderOptions): DeliveryHandler {
  const now = o.now ?? Date.now;
  const userAgent = `cellgate/${o.version}`;
  return async (d: Delivery, jobSignal?: AbortSignal): Promise<void> => {
    const settings = o.lookup(d.target);
    if (!settings) throw new PermanentDeliveryError(`no forwarding rule has the webhook ${d.target} any more`);
    const m = messageOf(o.getInbound, d);
    const body = formatWebhookBody({
      id: m.id,
      line: lineOf(m),
      slot: slotNumber(m.slot),
      from: m.sender,
      to: m.recipient,
      text: m.text,
      receivedAt: m.receivedAt,
      partial: partialOf(m),
    });
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': userAgent,
      'X-Cellgate-Delivery': d.id,
    };
    if (settings.secret) headers['X-Cellgate-Signature'] = signWebhook(body, settings.secret, Math.floor(now() / 1000));
    const timeoutMs = Math.max(1, settings.timeoutSec ?? o.defaultTimeoutSec ?? 10) * 1000;
    let res: PostAnswer;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      // AbortSignal.any is Node ≥ 20.3; without it the request timeout alone bounds the attempt.
      const signal = jobSignal && typeof AbortSignal.any === 'function' ? AbortSignal.any([jobSignal, timeout]) : timeout;
      res = await httpPost(d.target, { headers, body, signal, maxBody: 1024 });
    } catch (e) {
      throw new WebhookRetryError(`webhook ${d.target}: ${networkErrorText(e)}`, null);
    }
    if (res.status >= 200 && res.status <= 299) {
      o.log.info({ delivery: d.id, url: d.target, status: res.status }, 'received SMS forwarded to webhook');
      return;
    }
    const detail = `webhook ${d.target} answered HTTP ${res.status}${excerpt(res)}`;
    if (retryableStatus(res.status)) throw new WebhookRetryError(detail, res.status, parseRetryAfter(res.header('retry-after'), now()));
    if (res.status >= 300 && res.status <= 399) throw new PermanentDeliveryError(`${detail} (redirects are not followed; configure the final URL)`);
    throw new PermanentDeliveryError(detail);
  };
}
