/**
 * The pages: path, navigation id (`nav a[data-nav]`), the roles that may open it (as the server's
 * access policy allows them), the title key, and the module that renders it (loaded on demand).
 */
import type { ComponentType } from 'preact';
import type { Role } from './api/types';
import { t } from './i18n/index';

export interface PageRoute {
  path: string;
  nav: string;
  roles: readonly Role[];
  title: () => string;
  load: () => Promise<{ default: ComponentType }>;
  /** False for pages reached from another page rather than from the navigation. */
  inNav?: boolean;
}

const ALL: readonly Role[] = ['admin', 'user', 'sms'];
const OPERATORS: readonly Role[] = ['admin', 'user'];
const ADMIN: readonly Role[] = ['admin'];

/**
 * The configuration sections (GET /api/config/sections, in schema order) and who may open each, as
 * the server's access policy has it: `sip` and `security` are admin-only.
 */
const CONFIG_SECTIONS: ReadonlyArray<readonly [string, readonly Role[]]> = [
  ['device', OPERATORS], ['http', OPERATORS], ['log', OPERATORS], ['modems', OPERATORS], ['security', ['admin']], ['policy', OPERATORS],
  ['simulator', OPERATORS], ['sms', OPERATORS], ['mail', OPERATORS], ['smpp', OPERATORS], ['ussd', OPERATORS], ['calls', OPERATORS],
  ['sip', ['admin']], ['ownNumber', OPERATORS], ['lines', OPERATORS],
];

export const ROUTES: readonly PageRoute[] = [
  { path: '/status', nav: 'status', roles: OPERATORS, title: () => t('nav.status'), load: () => import('./pages/status-page') },
  { path: '/device', nav: 'device', roles: OPERATORS, title: () => t('device.nav'), load: () => import('./pages/device-page') },
  { path: '/sims', nav: 'sims', roles: OPERATORS, title: () => t('sims.nav'), load: () => import('./pages/sims-page') },
  { path: '/calls', nav: 'calls', roles: OPERATORS, title: () => t('calls.nav'), load: () => import('./pages/calls-page') },
  { path: '/call-test', nav: 'call-test', roles: OPERATORS, title: () => t('calltest.nav'), load: () => import('./pages/call-test-page') },
  { path: '/data-check', nav: 'data-check', roles: OPERATORS, title: () => t('datacheck.nav'), load: () => import('./pages/data-check-page') },
  { path: '/own-number', nav: 'own-number', roles: OPERATORS, title: () => t('ownnumber.nav'), load: () => import('./pages/own-number-page') },
  { path: '/sms/send', nav: 'sms-send', roles: ['admin', 'user', 'sms'], title: () => t('nav.smsSend'), load: () => import('./pages/sms-send-page') },
  { path: '/sms/inbox', nav: 'sms-inbox', roles: ALL, title: () => t('nav.smsInbox'), load: () => import('./pages/sms-inbox-page') },
  { path: '/sms/outbox', nav: 'sms-outbox', roles: ALL, title: () => t('nav.smsOutbox'), load: () => import('./pages/sms-outbox-page') },
  { path: '/ussd', nav: 'ussd', roles: OPERATORS, title: () => t('nav.ussd'), load: () => import('./pages/ussd-page') },
  { path: '/settings', nav: 'settings', roles: OPERATORS, title: () => t('config.title'), load: () => import('./pages/settings-list-page') },
  { path: '/settings/limits', nav: 'settings-limits', roles: OPERATORS, title: () => t('limits.title'), load: () => import('./pages/settings-limits-page'), inNav: false },
  { path: '/settings/sim-rules', nav: 'settings-sim-rules', roles: OPERATORS, title: () => t('limits.rulesTitle'), load: () => import('./pages/settings-sim-rules-page'), inNav: false },
  { path: '/settings/sms-forward', nav: 'settings-sms-forward', roles: OPERATORS, title: () => t('config.forward.title'), load: () => import('./pages/settings-sms-forward-page'), inNav: false },
  { path: '/settings/sip-autofill', nav: 'settings-sip-autofill', roles: ADMIN, title: () => t('autofill.title'), load: () => import('./pages/sip-autofill-page'), inNav: false },
  ...CONFIG_SECTIONS.map(([section, roles]): PageRoute => ({ path: `/settings/${section}`, nav: `settings-${section}`, roles, title: () => t('config.title'), load: () => import('./pages/settings-section-page'), inNav: false })),
  { path: '/account', nav: 'account', roles: ALL, title: () => t('nav.account'), load: () => import('./pages/account-page') },
  { path: '/unlock', nav: 'unlock', roles: ADMIN, title: () => t('unlock.title'), load: () => import('./pages/unlock-page') },
  { path: '/users', nav: 'users', roles: ADMIN, title: () => t('users.title'), load: () => import('./pages/users-page') },
  { path: '/system', nav: 'system', roles: ADMIN, title: () => t('system.title'), load: () => import('./pages/system-page') },
];

export function routesFor(role: Role): PageRoute[] {
  return ROUTES.filter((r) => r.roles.includes(role));
}

/** Where a role lands after login or on a page it may not open. */
export function homeFor(role: Role): string {
  return role === 'sms' ? '/sms/send' : '/status';
}
