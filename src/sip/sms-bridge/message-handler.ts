/**
 * SIP → SMS: the handler for new MESSAGE requests (manual appendix F). In order: the access check
 * (it answers 401/407/403 itself), reading the destination and text (readInboundMessage; its status
 * for a bad request), then the SMS into the durable outbox through the SMS router (origin `sip`; the
 * router applies dial rules and line prefixes, the scheduler picks the line and the GSM 7-bit or UCS2
 * encoding). 202 Accepted (RFC 3428 §7: the request is accepted, not yet delivered) is sent only
 * after the store committed; a store failure is a 500 and nothing is acknowledged.
 */
import { createHash } from 'node:crypto';
import type { SubmitRequest } from '../../sms/sms-router.js';
import type { OutboundMessage } from '../../store/message-store.js';
import type { Logger } from '../../util/log.js';
import type { SipIncomingRequest, SipRequestHandler } from '../core/index.js';
import { parseSipUri, type SipRequest } from '../message/index.js';
import { readInboundMessage, type InboundSms } from '../message-sms/index.js';
import type { BridgeStore } from './bridge-store.js';
import type { RelayReportRecord } from './relay-report-record.js';
import type { RelayReportTracker } from './relay-report-tracker.js';
import { submitRefusalOf } from './submit-refusal.js';

/** The access check (src/sip/access): when not allowed it has already answered. */
export type Admit = (incoming: SipIncomingRequest) => { allowed: true; who: string } | { allowed: false };

export interface MessageHandlerOptions {
  readonly admit: Admit;
  /** sip.message.destination: the first body line, or the To/Request-URI user. */
  readonly destination: () => 'body' | 'to';
  /** sip.message.relayReport. */
  readonly relayReport: () => boolean;
  readonly submit: (request: SubmitRequest) => Promise<OutboundMessage>;
  readonly store: Pick<BridgeStore, 'getOutbound'>;
  readonly reports: RelayReportTracker;
  readonly log: Logger;
}

/**
 * The SMS id of a MESSAGE: the same request (Call-ID, From tag, CSeq, RFC 3261 §8.2.2.2) always
 * names the same SMS, so a retransmission that arrives after a restart (its transaction is gone) is
 * answered 202 again instead of sending the SMS twice.
 */
export function smsIdOf(request: SipRequest): string {
  const key = `sip|${request.callId ?? ''}|${request.from?.tag ?? ''}|${request.cseq?.seq ?? ''}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The From user when it is a number (for caller-side line-prefix matching, manual §4.3). */
function callerNumber(request: SipRequest): string | null {
  const from = request.from;
  const user = from === undefined ? undefined : parseSipUri(from.uri)?.user?.split(';')[0];
  return user !== undefined && /^\+?[0-9]{1,20}$/.test(user) ? user : null;
}

function reportRecord(incoming: SipIncomingRequest, sms: InboundSms): RelayReportRecord | undefined {
  const { request } = incoming;
  const from = request.from;
  const to = request.to;
  if (from === undefined || to === undefined) return undefined;
  return { callId: sms.callId, senderUri: from.uri, gatewayUri: to.uri, source: { ip: incoming.source.ip, port: incoming.source.port, kind: incoming.transport } };
}

export function createMessageHandler(options: MessageHandlerOptions): SipRequestHandler {
  const accept = async (incoming: SipIncomingRequest, sms: InboundSms, who: string): Promise<void> => {
    const id = smsIdOf(incoming.request);
    let parked = false;
    try {
      if (options.store.getOutbound(id) !== undefined) {
        incoming.respond(202, 'Accepted');
        return;
      }
      const record = options.relayReport() ? reportRecord(incoming, sms) : undefined;
      // The report's record is durable before the SMS: an SMS never goes out without its report.
      if (record !== undefined) {
        options.reports.park(id, record);
        parked = true;
      }
      await options.submit({ id, origin: 'sip', client: `sip:${who}`, sender: callerNumber(incoming.request), recipient: sms.destination, text: sms.text, report: false });
      incoming.respond(202, 'Accepted');
      options.log.info({ sms: id, to: sms.destination, who, callId: sms.callId }, 'SIP MESSAGE accepted as SMS');
    } catch (error) {
      if (parked) options.reports.forget(id);
      const refusal = submitRefusalOf(error);
      if (refusal !== undefined) {
        incoming.respond(refusal.statusCode, refusal.reasonPhrase, { headers: refusal.headers });
        options.log.info({ to: sms.destination, who, status: refusal.statusCode, err: error }, 'SIP MESSAGE refused');
      } else {
        incoming.respond(500, 'Server Internal Error');
        options.log.error({ err: error, who }, 'SIP MESSAGE not stored; answered 500');
      }
    }
  };
  return {
    handleRequest(incoming) {
      const admitted = options.admit(incoming);
      if (!admitted.allowed) return;
      const verdict = readInboundMessage(incoming.request, options.destination() === 'to' ? 'to-header' : 'body');
      if (!verdict.ok) {
        const { statusCode, reasonPhrase, headers, detail } = verdict.reject;
        incoming.respond(statusCode, reasonPhrase, { headers });
        options.log.info({ who: admitted.who, status: statusCode, detail }, 'SIP MESSAGE not relayed');
        return;
      }
      void accept(incoming, verdict.sms, admitted.who);
    },
  };
}
