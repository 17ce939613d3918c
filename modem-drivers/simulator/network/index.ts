/** The simulated mobile network: clock, network, outside world, and the helpers tests use. */
export { MANUAL_CLOCK_START, ManualClock, realClock, type TimerHandle } from './clock.js';
export { MobileNetwork, type MobileNetworkOptions, type SubscriberInfo } from './mobile-network.js';
export {
  DEFAULT_OUTSIDE_BEHAVIOUR,
  OutsideWorld,
  SPECIAL_NUMBER_RULES,
  type OutsideAudio,
  type OutsideBehaviour,
  type OutsideCallOptions,
  type OutsideMessage,
  type OutsideRule,
  type OutsideSms,
  type OutsideSmsOptions,
  type OutsideSmsResult,
} from './outside-world.js';
export { DEFAULT_RECORD_MS, loadPlayFile, recordingOf, type PartyRecording, type RecordOption } from './party-audio.js';
export { DEFAULT_RINGBACK, type RingbackTone } from './ringback.js';
export { pcmBytes, readPcm, wavFile } from './wav.js';
export { type CallLogEntry, type SimLogSnapshot, type SmsLogEntry, type SmsLogStatus } from './sim-log.js';
export { TP_ST_DELIVERED, TP_ST_NOT_OBTAINABLE, TP_ST_VALIDITY_EXPIRED, parseRawDeliver } from './sms-center.js';
export { type RegistrationOverride } from './subscriber.js';
export { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, SILENCE_FRAME, toneFrames } from './tone.js';
export {
  DEFAULT_BALANCE_TEXT,
  INVALID_CHOICE_TEXT,
  UNKNOWN_SERVICE_TEXT,
  defaultUssdMenus,
  type UssdContext,
  type UssdMenus,
  type UssdNode,
} from './ussd-service.js';
export { countryCodeForMcc, derivedMsisdn, lookupCandidates, normalizeNumber, parseDialString } from './numbers.js';
