import { logout } from '../api/session';
import type { Me } from '../api/types';
import { t } from '../i18n/index';
import { navigate } from '../router';
import { ConnectionIndicator } from './connection-indicator';
import { LanguageSelect } from './language-select';

/** Product name, the live indicator, the language, who is logged in and the logout button. */
export function AppHeader({ user }: { user: Me | null }) {
  return (
    <header class="header">
      <span class="brand">cellgate</span>
      <div class="header-tools">
        {user && <ConnectionIndicator />}
        <LanguageSelect />
        {user && (
          <>
            <span class="who">{t('header.user', { user: user.user, role: roleName(user.role) })}</span>
            <button
              type="button"
              data-action="logout"
              onClick={async () => {
                await logout().catch(() => undefined);
                navigate('/login');
              }}
            >
              {t('header.logout')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

function roleName(role: Me['role']): string {
  if (role === 'admin') return t('role.admin');
  if (role === 'user') return t('role.user');
  return t('role.sms');
}
