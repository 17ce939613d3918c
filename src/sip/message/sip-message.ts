import type { SipRequest } from './sip-request.js';
import type { SipResponse } from './sip-response.js';

/** Either kind of SIP message; `kind` tells them apart. */
export type SipMessage = SipRequest | SipResponse;
