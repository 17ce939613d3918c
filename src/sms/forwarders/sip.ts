/**
 * Forward to a VoIP extension (manual §4.10 "短信转发至 VoIP"): a SIP MESSAGE to the rule's extension or
 * URI with the body `+8613670128297` CRLF `(L1)你好` (formatSipForwardBody).
 *
 * The SIP MESSAGE bridge (src/sip/sms-bridge) provides `sendMessage`; it resolves on a 2xx final
 * response and rejects otherwise, with a PermanentDeliveryError for final refusals that a retry cannot
 * change. Without it the 'sip' worker is not started: 'sip' jobs stay pending in the store (nothing
 * is lost) and go out once the SIP side runs.
 */
import type { Delivery } from '../../store/message-store.js';
import type { Logger } from '../../util/log.js';
import type { DeliveryHandler } from '../delivery-worker.js';
import { formatSipForwardBody } from '../forward-format.js';
import { lineOf, messageOf, type GetInbound } from './common.js';

export interface SipForwarderOptions {
  getInbound: GetInbound;
  /** Sends a SIP MESSAGE (Content-Type: text/plain; charset=UTF-8) to an extension or SIP URI. */
  sendMessage: (uri: string, body: string) => Promise<void>;
  log: Logger;
}

export function createSipForwarder(o: SipForwarderOptions): DeliveryHandler {
  return async (d: Delivery): Promise<void> => {
    const m = messageOf(o.getInbound, d);
    await o.sendMessage(d.target, formatSipForwardBody(lineOf(m), m.sender, m.text));
    o.log.info({ delivery: d.id, to: d.target }, 'received SMS forwarded as SIP MESSAGE');
  };
}
