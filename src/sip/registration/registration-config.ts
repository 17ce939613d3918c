/**
 * The configuration's `sip.registration` and `sip.trunk.peers[0].register` (src/config/schema-sip.ts)
 * as a registration plan (registration-plan.ts). Pure. The trunk peer's account (manual §4.3 "中继网关
 * 模式": entry 1 may register) is planned beside the mode's accounts under the id `trunk-1`, carrying
 * every line; a mode account for a line is preferred over it when a line's account is looked up.
 */
import type { SipAccountConfig, SipConfig } from '../../config/schema-sip.js';
import { planRegistrations, type AccountSettings, type PlannedAccount, type RegistrationPlanConfig, type RegistrationPlanVerdict } from './registration-plan.js';

/** Largest line id the configuration accepts: the plan checks ids, the lines themselves may come later. */
export const MAX_LINE_ID = 9999;

export const TRUNK_ACCOUNT_ID = 'trunk-1';

/** One configured account as the plan's settings (`expiresSec` → `expiresSeconds`). */
export function accountSettingsOf(account: SipAccountConfig): AccountSettings {
  return {
    authId: account.authId,
    password: account.password,
    ...(account.phoneNumber === undefined ? {} : { phoneNumber: account.phoneNumber }),
    ...(account.displayName === undefined ? {} : { displayName: account.displayName }),
    ...(account.homeDomain === undefined ? {} : { homeDomain: account.homeDomain }),
    registrar: account.registrar,
    ...(account.backupRegistrar === undefined ? {} : { backupRegistrar: account.backupRegistrar }),
    ...(account.outboundProxy === undefined ? {} : { outboundProxy: account.outboundProxy }),
    transport: account.transport,
    expiresSeconds: account.expiresSec,
  };
}

/** The plan's input for the configured mode. A mode without its accounts plans nothing (the schema already reports it). */
export function planConfigOf(registration: SipConfig['registration']): RegistrationPlanConfig {
  switch (registration.mode) {
    case 'device':
      return registration.account === undefined ? { mode: 'none' } : { mode: 'device', account: accountSettingsOf(registration.account) };
    case 'per-line':
      return { mode: 'per-line', lines: registration.lines.map((entry) => ({ ...accountSettingsOf(entry), line: entry.line })) };
    case 'per-group':
      return { mode: 'per-group', groups: registration.groups.map((g) => ({ name: g.name, lines: g.lines, account: accountSettingsOf(g.account) })) };
    default:
      return { mode: 'none' };
  }
}

/** Every account the `sip` section asks cellgate to register: the mode's, then the trunk peer's. */
export function planFromConfig(sip: Pick<SipConfig, 'registration' | 'trunk'>): RegistrationPlanVerdict {
  const verdict = planRegistrations(planConfigOf(sip.registration), MAX_LINE_ID);
  const trunkAccount = sip.trunk.peers[0]?.register;
  if (trunkAccount === undefined) return verdict;
  const trunk = planRegistrations({ mode: 'device', account: accountSettingsOf(trunkAccount) }, MAX_LINE_ID);
  const problems = [...(verdict.ok ? [] : verdict.problems), ...(trunk.ok ? [] : trunk.problems.map((p) => p.replace(/^device/, 'trunk peer 1')))];
  if (problems.length > 0) return { ok: false, problems };
  const accounts: PlannedAccount[] = [...(verdict.ok ? verdict.accounts : []), ...(trunk.ok ? trunk.accounts.map((a) => ({ ...a, id: TRUNK_ACCOUNT_ID })) : [])];
  return { ok: true, accounts };
}
