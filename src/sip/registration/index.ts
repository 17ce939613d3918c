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
export { accountSettingsOf, MAX_LINE_ID, planConfigOf, planFromConfig, TRUNK_ACCOUNT_ID } from './registration-config.js';
export { endpointRegisterSender, resolveHost, type HostResolver, type RequestSender } from './endpoint-register-sender.js';
export { RegistrationManager } from './registration-manager.js';
export type { AccountStatusView, LineAccount, LineVoip, RegistrationManagerOptions } from './registration-manager-options.js';
export { IllegalRegistrationManagerTransition, nextRegistrationManagerState, type RegistrationManagerEvent, type RegistrationManagerState } from './registration-manager-state.js';
