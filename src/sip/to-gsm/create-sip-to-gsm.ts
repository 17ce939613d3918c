/**
 * The SIP → GSM calls on a SIP endpoint: registers the handler for INVITE and INFO (in-dialog INFO
 * carries second-stage digits) and gives back a stop that ends the calls in progress.
 */
import type { SipEndpoint } from '../core/index.js';
import { SipToGsmHandler, type SipToGsmHandlerOptions } from './invite-handler.js';

export interface SipToGsmOptions extends Omit<SipToGsmHandlerOptions, 'sendBye' | 'sendInfo'> {
  readonly endpoint: Pick<SipEndpoint, 'handle' | 'dialogs'>;
}

export interface SipToGsm {
  /** The handler (for in-dialog requests of other parts, or inspection). */
  readonly handler: SipToGsmHandler;
  /** Ends every call in progress: 503 to unanswered INVITEs, BYE to answered ones, GSM legs hung up. */
  stop(): void;
}

export function createSipToGsm(options: SipToGsmOptions): SipToGsm {
  const { endpoint, ...rest } = options;
  const handler = new SipToGsmHandler({ ...rest, sendBye: (dialog) => void endpoint.dialogs.sendBye(dialog), sendInfo: (dialog, type, body) => void endpoint.dialogs.sendInfo(dialog, type, body) });
  endpoint.handle('INVITE', handler);
  endpoint.handle('INFO', handler);
  return { handler, stop: () => handler.stop() };
}
