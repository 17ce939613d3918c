/**
 * Forward to a mobile number (manual §4.10 "短信转发至手机"): the received SMS is queued as a new
 * outbound SMS `L1,+8613670128297>你好` to the rule's phone number.
 *
 * - Done once queued: the forward is durable in the outbox when `submit` resolves; its own sending
 *   status (sent, delivered, failed) lives there, not in the delivery job.
 * - Exactly one outbound message per job: the outbound message gets the job's id, and a job whose
 *   message is already in the outbox (a restart between queueing and recording the job) is done
 *   without queueing again.
 * - Loop guard (the job fails for good with the reason, nothing is sent):
 *   1. the SMS came from the forward target itself: forwarding it back to its sender is pointless,
 *      and when the target is a forwarding device too the two would bounce messages forever;
 *   2. the text already has the forward format `L<n>,` and the sender is one of this gateway's own
 *      SIM numbers: a forward of ours reached one of our own lines.
 * - A submission the router refuses (invalid recipient, dial rules in strict mode) is permanent.
 */
import type { Delivery } from '../../store/message-store.js';
import type { Logger } from '../../util/log.js';
import { PermanentDeliveryError, type DeliveryHandler } from '../delivery-worker.js';
import { formatSmsForward, parseSmsForward } from '../forward-format.js';
import { lineOf, messageOf, sameNumber, type GetInbound } from './common.js';

export interface SmsForwardSubmit {
  /** The outbound message id to use (the job id). */
  id: string;
  recipient: string;
  text: string;
  origin: 'forward';
}

export interface SmsForwarderOptions {
  getInbound: GetInbound;
  /** Queues an outbound SMS; resolves with its id once durable (SmsRouter.submit). */
  submit: (req: SmsForwardSubmit) => Promise<string>;
  /** Whether an outbound message with this id is already stored (MessageStore.getOutbound). */
  outboundExists: (id: string) => boolean;
  /** The own numbers of this gateway's SIMs, as far as known (loop guard 2). */
  ownNumbers: () => Iterable<string>;
  /** Errors of `submit` that retrying cannot fix (default: errors named SubmitError). */
  refused?: (err: unknown) => boolean;
  log: Logger;
}

const defaultRefused = (err: unknown): boolean => err instanceof Error && err.name === 'SubmitError';

/** Why a message must not be forwarded to `target`, or null. */
export function forwardLoopReason(m: { sender: string; text: string }, target: string, ownNumbers: Iterable<string>): string | null {
  if (sameNumber(m.sender, target)) return `loop guard: the SMS came from the forward target ${target}`;
  if (parseSmsForward(m.text) !== null) {
    for (const own of ownNumbers) {
      if (own && sameNumber(m.sender, own)) return `loop guard: a forward (L<n>, format) from this gateway's own number ${own}`;
    }
  }
  return null;
}

export function createSmsForwarder(o: SmsForwarderOptions): DeliveryHandler {
  const refused = o.refused ?? defaultRefused;
  return async (d: Delivery): Promise<void> => {
    if (o.outboundExists(d.id)) {
      o.log.debug({ delivery: d.id }, 'forward SMS already queued by an earlier attempt');
      return;
    }
    const m = messageOf(o.getInbound, d);
    const loop = forwardLoopReason(m, d.target, o.ownNumbers());
    if (loop) throw new PermanentDeliveryError(loop);
    const text = formatSmsForward(lineOf(m), m.sender, m.text);
    try {
      const id = await o.submit({ id: d.id, recipient: d.target, text, origin: 'forward' });
      o.log.info({ delivery: d.id, outbound: id, to: d.target }, 'received SMS queued as a forward');
    } catch (e) {
      if (refused(e)) throw new PermanentDeliveryError(`the forward was refused: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  };
}
