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
}

const ALL: readonly Role[] = ['admin', 'user', 'sms'];
const OPERATORS: readonly Role[] = ['admin', 'user'];
const ADMIN: readonly Role[] = ['admin'];

export const ROUTES: readonly PageRoute[] = [
  { path: '/status', nav: 'status', roles: OPERATORS, title: () => t('nav.status'), load: () => import('./pages/status-page') },
  { path: '/sms/send', nav: 'sms-send', roles: ['admin', 'user', 'sms'], title: () => t('nav.smsSend'), load: () => import('./pages/sms-send-page') },
  { path: '/sms/inbox', nav: 'sms-inbox', roles: ALL, title: () => t('nav.smsInbox'), load: () => import('./pages/sms-inbox-page') },
  { path: '/sms/outbox', nav: 'sms-outbox', roles: ALL, title: () => t('nav.smsOutbox'), load: () => import('./pages/sms-outbox-page') },
  { path: '/ussd', nav: 'ussd', roles: OPERATORS, title: () => t('nav.ussd'), load: () => import('./pages/ussd-page') },
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
