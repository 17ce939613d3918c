/**
 * SMS → SIP: the `sendMessage(target, body)` of the 'sip' forward worker (src/sms/forwarders/sip.ts).
 * The target is resolved (message-target.ts); each hop is tried in turn until one answers 2xx (an
 * extension with several registered phones gets it on the first that takes it). Resolves when
 * delivered; rejects with a PermanentDeliveryError for a refusal or a target that can never work,
 * else with an error the worker retries.
 */
import { PermanentDeliveryError } from '../../sms/delivery-worker.js';
import { parseSipUri } from '../message/index.js';
import { resolveMessageTarget, type MessageTargetContext } from './message-target.js';
import { sendErrorOf, RetryableSendError } from './send-outcome.js';
import type { TextMessageSender } from './text-message-sender.js';

export interface ForwardMessageOptions extends MessageTargetContext {
  readonly sender: TextMessageSender;
  /** The gateway's user in From (the manual's example: its registration ID, `goip-01`). */
  readonly gatewayUser: () => string;
}

export function createForwardMessageSender(options: ForwardMessageOptions): (target: string, body: string) => Promise<void> {
  return async (target, body) => {
    const resolved = resolveMessageTarget(target, options);
    if (!resolved.ok) throw resolved.retryable ? new RetryableSendError(resolved.reason) : new PermanentDeliveryError(resolved.reason);
    let last: Error | undefined;
    for (const hop of resolved.hops) {
      const host = parseSipUri(hop.uri)?.host ?? hop.target.ip;
      const outcome = await options.sender.send({ uri: hop.uri, from: `sip:${options.gatewayUser()}@${host}`, to: hop.uri }, hop.target, body);
      const error = sendErrorOf(outcome, `MESSAGE to ${hop.uri}`);
      if (error === undefined) return;
      // A retryable failure on any hop makes the whole attempt retryable.
      if (last === undefined || last instanceof PermanentDeliveryError) last = error;
    }
    throw last ?? new RetryableSendError(`MESSAGE to ${target}: no hop`);
  };
}
