/**
 * Sends a relay report job (manual appendix F): a MESSAGE to the sender's From URI, over the transport
 * and to the address its MESSAGE came from. The Contact or From host may be private or a name we
 * cannot resolve (a phone behind NAT, a PBX writing 127.0.0.1), while the source answered us once
 * already (RFC 3581's reasoning for responses, applied to this request).
 */
import { PermanentDeliveryError, type DeliveryHandler } from '../../sms/delivery-worker.js';
import { relayReportBody } from '../message-sms/index.js';
import { readReadyReport } from './relay-report-record.js';
import { sendErrorOf } from './send-outcome.js';
import type { TextMessageSender } from './text-message-sender.js';

export function createRelayReportHandler(sender: TextMessageSender): DeliveryHandler {
  return async (job) => {
    const report = readReadyReport(job.payload);
    if (report === undefined) throw new PermanentDeliveryError('the stored relay report is unreadable');
    const outcome = await sender.send({ uri: report.senderUri, from: report.gatewayUri, to: report.senderUri }, report.source, relayReportBody(report.callId, report.outcome));
    const error = sendErrorOf(outcome, `relay report to ${report.senderUri}`);
    if (error !== undefined) throw error;
  };
}
