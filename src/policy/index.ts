/** The SIM policy engine (manual §3.2, §4.8, §4.12): pure functions of (config, state, clock, event). */
export * from './types.js';
export { parseLimit, parseOptionalLimit, printLimit, validateLimit, formatTime, type LimitSpec, type LimitWindow, type LimitParseResult } from './limit-syntax.js';
export { initialPolicyState } from './state.js';
export { decide, nextDeadline, DAILY_RESET_MINUTE } from './engine.js';
export { canCall, canSendSms, remaining, isUsable } from './queries.js';
export { chooseSlot } from './select.js';
export { isLastResort, isUnusableReason } from './unusable.js';
export { statistics, simStatus, colourOf } from './statistics.js';
export { billedSeconds } from './limits.js';
export { isValidTimeZone } from './local-time.js';
export { defaultPolicyConfig, validatePolicyConfig } from './config.js';
