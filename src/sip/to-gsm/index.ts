export { createSipToGsm, type SipToGsm, type SipToGsmOptions } from './create-sip-to-gsm.js';
export { SipToGsmHandler, uriUser, type Admit, type SipToGsmConfig, type SipToGsmHandlerOptions } from './invite-handler.js';
export { chooseLine, type LineCandidate, type LineChoice, type LineChoiceInput, type LineChoiceSettings } from './line-choice.js';
export { classifyGsmEnd, statusForGsmEnd, reasonPhraseFor, type CauseStatusTable, type GsmEndClass } from './gsm-cause-status.js';
export { readDtmfInfo, type DtmfInfoResult } from './dtmf-info.js';
export { SipToGsmCall, type LinePick, type SipToGsmCallOptions, type SipToGsmCallSettings, type SipToGsmLine } from './sip-to-gsm-call.js';
export { sipToGsmTransition, canSipToGsmTransition, IllegalSipToGsmTransition, type SipToGsmCallEvent, type SipToGsmCallState } from './sip-to-gsm-call-state.js';
export type { MediaSession, MediaSessions } from '../../media/media-contract.js';
