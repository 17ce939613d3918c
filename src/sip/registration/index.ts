/** Registration of cellgate's accounts with a PBX (docs/sip.md, "Registration to a PBX"). */
export { RegistrationClient } from './registration-client.js';
export {
  IllegalRegistrationTransition,
  nextRegistrationState,
  REGISTRATION_EVENTS,
  REGISTRATION_STATES,
  type RegistrationEvent,
  type RegistrationState,
} from './registration-state.js';
export type {
  LocalContact,
  RegisterResult,
  RegistrationAccount,
  RegistrationClientOptions,
  RegistrationError,
  RegistrationStatus,
  RegistrationTransport,
  SendRegister,
  SipServerAddress,
} from './registration-options.js';
export { addressOfRecord, buildRegister, contactUri, formatHostPort, grantedExpiry, minExpires, registrarUri, type RegisterSpec } from './register-message.js';
export { parseServerAddress, planRegistrations, type AccountSettings, type PlannedAccount, type RegistrationPlanConfig, type RegistrationPlanVerdict } from './registration-plan.js';
export { autoFillLines, incrementLastNumber, type AutoFillVerdict } from './line-auto-fill.js';
