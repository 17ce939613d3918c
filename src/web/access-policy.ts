/**
 * Who may use which kind of API route: the one place that says it. Every route file takes its
 * `access` from a group below; docs/api.md "Roles" prints the same table.
 *
 * The three roles follow the manual's login levels (§3.1, §5.2):
 *  - admin ("管理员级"): everything;
 *  - user ("用户级"): everything except the VoIP settings (basic, advanced, media: here the `sip`
 *    configuration section and the /api/sip routes, which the manual lets it neither change nor see),
 *    account management, and the system actions (upgrade, backup/restore, factory reset, reboot).
 *    IMEI writing is one of those: the `security` section that unlocks it is admin-only too;
 *  - sms ("SMS 用户"): only sends SMS and reads the inbox and outbox ("仅能发送短信和查看短信发/收件箱"),
 *    plus its own account (who am I, own password) and the live events about SMS.
 * Anonymous callers reach only the `'public'` routes (health, login, logout).
 */
import type { Config } from '../config/schema.js';
import type { Role } from './authenticator.js';

/** A route's access: `'public'` (no authentication) or the roles allowed. */
export type Access = 'public' | readonly Role[];

const ADMIN: readonly Role[] = ['admin'];
const OPERATORS: readonly Role[] = ['admin', 'user'];
const EVERY_ROLE: readonly Role[] = ['admin', 'user', 'sms'];

/** Health check, login and logout. */
export const PUBLIC: Access = 'public';
/** Own account: who am I, own password. */
export const OWN_ACCOUNT = EVERY_ROLE;
/** Line and device status (GET /api/lines, /api/lines/:id, /api/lines/:id/signal, /api/device). */
export const STATUS_READ = OPERATORS;
/** Live events (GET /api/events): each role gets only the events it may read. */
export const EVENTS = EVERY_ROLE;
/** SIM statistics and state per line and slot (GET /api/sims). */
export const SIMS_READ = OPERATORS;
/** Call records and calls in progress. */
export const CALLS_READ = OPERATORS;
/** Sending SMS, and the operator's decision on a message whose outcome is unknown. */
export const SMS_SEND = EVERY_ROLE;
/**
 * Reading and deleting the inbox and outbox. The sms role sees every message, as the manual's SMS
 * level does (docs/decisions/0053-web-roles-and-config-api.md): received ones belong to no account.
 */
export const SMS_READ = EVERY_ROLE;
export const SMS_DELETE = EVERY_ROLE;
/** USSD dialogues and the SIMs' own numbers. */
export const USSD = OPERATORS;
/** Line and slot actions: enable/disable, switch, SIM statistics reset, data check, test call. */
export const LINE_ACTIONS = OPERATORS;
/** SIM limits and rules (GET/PUT/PATCH /api/policy). */
export const POLICY_READ = OPERATORS;
export const POLICY_WRITE = OPERATORS;
/** SMPP sessions bound now (status of the SMPP SMSC). */
export const SMPP_READ = OPERATORS;
/** Account management (/api/users). */
export const USERS_ADMIN = ADMIN;
/** Upgrade, backup/restore, factory reset, reboot, IMEI writing (no such route yet; reserved). */
export const SYSTEM_ADMIN = ADMIN;
/** The VoIP pages' routes (/api/sip/...): registration state, extensions, auto-fill. */
export const SIP_ADMIN = ADMIN;
/** Routes of the configuration API (/api/config...); which sections a role may use is `CONFIG_SECTION`. */
export const CONFIG_API = OPERATORS;

/** Configuration sections only admins may read or change (the manual's VoIP settings, IMEI writing). */
const ADMIN_ONLY_SECTIONS: ReadonlySet<string> = new Set(['sip', 'security']);

/**
 * Who may read and replace one top-level configuration section. `media` lives inside `sip`
 * (`sip.media`), so it is admin-only with it. Accounts are not in the configuration document (they
 * have their own store and /api/users), so no section reaches them.
 */
export function CONFIG_SECTION(section: string): readonly Role[] {
  return ADMIN_ONLY_SECTIONS.has(section) ? ADMIN : OPERATORS;
}

/**
 * Settings inside a section open to operators that only admins may change: a line's IMEI writing
 * (the manual keeps it from the user level). Each names the setting and picks its values, keyed so
 * that a reordered list is no change.
 */
const ADMIN_ONLY_SETTINGS: readonly { path: string; pick: (cfg: Config) => Record<string, unknown> }[] = [
  { path: 'lines[].imeiWrite', pick: (cfg) => Object.fromEntries(cfg.lines.map((l) => [String(l.id), l.imeiWrite ?? null])) },
];

/** The admin-only settings (by path) that differ between two valid configurations. */
export function adminOnlyChanges(prev: Config, next: Config): string[] {
  return ADMIN_ONLY_SETTINGS.filter((s) => {
    const a = s.pick(prev);
    const b = s.pick(next);
    const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
    // A line added or removed without IMEI writing changes nothing here.
    return [...ids].some((id) => JSON.stringify(a[id] ?? null) !== JSON.stringify(b[id] ?? null));
  }).map((s) => s.path);
}

/** True when `role` may use a route of this access (false for every role on none). */
export function allows(access: Access, role: Role): boolean {
  return access !== 'public' && access.includes(role);
}
