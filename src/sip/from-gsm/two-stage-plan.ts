/**
 * Two-stage dialling towards VoIP (manual §4.7, definition "二次拨号 ii"): which lines use it, and where
 * the second number a GSM caller keyed in may go. Pure; never throws.
 *
 * The number is a SIP user, never a host: the keypad gives only 0-9 and *, the dial rules
 * (`sip.forward.twoStage.dialRules`, appendix E) may rewrite it, and the result must be an extension of
 * the embedded registrar — or, with `reach: "account"`, a user at the PBX account carrying the line.
 * Anyone who can call the SIM can key in a number, so nothing here lets a caller name a host or reach a
 * trunk the operator did not choose (toll fraud).
 */
import type { SipConfig } from '../../config/schema-sip.js';
import { applyDialRules, parseDialRules } from '../../routing/dial-rules.js';
import { planUser, type TargetLookups, type TargetPlan } from './fork-targets.js';

/** Longest second number kept (E.164 numbers have at most 15 digits; extensions far fewer). */
export const MAX_SECOND_NUMBER = 32;

/** What the dial rules may turn a number into: a plain SIP user (RFC 3261 §25.1 unreserved), no host, no parameters. */
const PLAIN_USER = /^[A-Za-z0-9+*._-]{1,64}$/;

/** Whether an incoming call on `line` with no forward target uses two-stage dialling. */
export function twoStageApplies(config: SipConfig, line: number): boolean {
  const twoStage = config.forward.twoStage;
  return twoStage.enabled && (twoStage.lines === null || twoStage.lines.includes(line));
}

export type SecondNumberPlan = { readonly ok: true; readonly user: string; readonly plan: Extract<TargetPlan, { kind: 'fork' }> } | { readonly ok: false; readonly reason: string };

/** The SIP target for the digits keyed in (without the closing "#"). */
export function planSecondNumber(config: SipConfig, line: number, digits: string, lookups: TargetLookups): SecondNumberPlan {
  if (digits === '') return { ok: false, reason: 'no number was keyed in' };
  const twoStage = config.forward.twoStage;
  const rules = parseDialRules(twoStage.dialRules);
  if (!rules.ok) return { ok: false, reason: `sip.forward.twoStage.dialRules: ${rules.error}` };
  const rewritten = applyDialRules(rules.rules, digits, { strict: twoStage.strictDialRules });
  if (!rewritten.ok) return { ok: false, reason: `${digits} refused by the dial rules: ${rewritten.reason}` };
  const user = rewritten.number;
  if (!PLAIN_USER.test(user)) return { ok: false, reason: `${digits} became ${JSON.stringify(user.slice(0, 64))} after the dial rules, which is not a plain SIP user` };
  const plan = planUser(config, line, user, lookups, twoStage.reach === 'account');
  if (plan.kind === 'fork') return { ok: true, user, plan };
  return { ok: false, reason: plan.kind === 'unroutable' ? plan.cause : plan.why };
}
