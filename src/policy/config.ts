/**
 * Default policy configuration and a field-level check of a configuration built elsewhere (the
 * API / config file validate their own input shape; this checks the policy's own invariants).
 */
import { validateLimit, type LimitSpec } from './limit-syntax.js';
import { isValidTimeZone } from './local-time.js';
import { isSlotId } from './state.js';
import { TRIGGER_KINDS, type LimitsConfig, type PolicyConfig, type TriggerKind } from './types.js';

/** No limits, no triggers, no disable rules; 60 s billing; short calls under 10 s. */
export function defaultPolicyConfig(overrides: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    timezone: 'UTC',
    billingPeriodSec: 60,
    onMinutesExhausted: 'hangup',
    onSmsExhausted: 'block-sms',
    limits: { callCountIncludesUnanswered: true },
    shortCallSec: 10,
    switchRules: { strategy: 'sequential', triggers: {}, duringCall: 'wait', switchWhenExhausted: true },
    disableRules: [],
    ...overrides,
  };
}

export interface PolicyConfigIssue {
  /** Dotted path of the field, e.g. `slotLimits.1/A.smsCount`. */
  path: string;
  message: string;
}

function checkLimits(path: string, l: Partial<LimitsConfig>, out: PolicyConfigIssue[]): void {
  for (const k of ['callMinutes', 'callCount', 'smsCount'] as const) {
    const v = l[k] as LimitSpec | null | undefined;
    if (v === null || v === undefined) continue;
    const err = validateLimit(v);
    if (err !== null) out.push({ path: `${path}.${k}`, message: err });
  }
}

export function validatePolicyConfig(c: PolicyConfig): PolicyConfigIssue[] {
  const out: PolicyConfigIssue[] = [];
  if (!isValidTimeZone(c.timezone)) out.push({ path: 'timezone', message: `unknown time zone ${JSON.stringify(c.timezone)}` });
  if (!Number.isInteger(c.billingPeriodSec) || c.billingPeriodSec < 1 || c.billingPeriodSec > 3600) {
    out.push({ path: 'billingPeriodSec', message: 'must be a whole number of seconds, 1-3600' });
  }
  if (!Number.isFinite(c.shortCallSec) || c.shortCallSec < 0) out.push({ path: 'shortCallSec', message: 'must be 0 or more seconds' });
  checkLimits('limits', c.limits, out);
  for (const [key, l] of Object.entries(c.slotLimits ?? {})) {
    const slot = key.includes('/') ? key.slice(key.lastIndexOf('/') + 1) : key;
    if (!isSlotId(slot)) out.push({ path: `slotLimits.${key}`, message: 'key must be "<slot>" or "<line>/<slot>" with slot A-D' });
    checkLimits(`slotLimits.${key}`, l, out);
  }
  for (const [k, v] of Object.entries(c.switchRules.triggers)) {
    if (!TRIGGER_KINDS.includes(k as TriggerKind)) out.push({ path: `switchRules.triggers.${k}`, message: 'unknown trigger' });
    else if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      out.push({ path: `switchRules.triggers.${k}`, message: 'must be a number above 0 (leave it out for no trigger)' });
    }
  }
  c.disableRules.forEach((r, i) => {
    if (!TRIGGER_KINDS.includes(r.trigger)) out.push({ path: `disableRules.${i}.trigger`, message: 'unknown trigger' });
    if (!(typeof r.threshold === 'number' && Number.isFinite(r.threshold) && r.threshold > 0)) out.push({ path: `disableRules.${i}.threshold`, message: 'must be a number above 0' });
    if (r.disableMinutes !== 'manual' && !(typeof r.disableMinutes === 'number' && Number.isFinite(r.disableMinutes) && r.disableMinutes >= 0)) {
      out.push({ path: `disableRules.${i}.disableMinutes`, message: 'must be 0 (off), a number of minutes, or "manual"' });
    }
  });
  return out;
}
