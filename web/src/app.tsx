/**
 * The shell: header, navigation for the role, and the current page in `<main>`. Nobody logged in →
 * the login page; a page the role may not open → the role's home page.
 */
import { useEffect } from 'preact/hooks';
import { connectEvents, disconnectEvents } from './api/events';
import { loadMe, me } from './api/session';
import { AppHeader } from './components/app-header';
import { NavMenu } from './components/nav-menu';
import { PageHost } from './components/page-host';
import { SkipLink } from './components/skip-link';
import { t } from './i18n/index';
import { LoginPage } from './pages/login-page';
import { PasswordChangePage } from './pages/password-change-page';
import { currentPath, navigate } from './router';
import { homeFor, routesFor } from './routes';

const PASSWORD_CHANGE = '/password-change';

export function App() {
  const user = me.value;
  const path = currentPath.value;
  // Until a generated or admin-set password is replaced, the API answers nothing else (403).
  const forced = user?.mustChangePassword === true;

  useEffect(() => {
    if (user && !forced) connectEvents(() => loadMe().then(() => me.value != null, () => true));
    else disconnectEvents();
  }, [user?.user, user?.role, forced]);

  useEffect(() => {
    if (user === null && path !== '/login') navigate('/login', true);
    if (forced && path !== PASSWORD_CHANGE) navigate(PASSWORD_CHANGE, true);
    if (user && !forced && !routesFor(user.role).some((r) => r.path === path)) navigate(homeFor(user.role), true);
  }, [user, path]);

  if (user === undefined) {
    return (
      <main id="main" tabIndex={-1} class="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  }
  const route = user ? routesFor(user.role).find((r) => r.path === path) : undefined;
  return (
    <>
      <SkipLink />
      <AppHeader user={user} />
      <div class="layout">
        {user && !forced && <NavMenu role={user.role} />}
        <main id="main" tabIndex={-1} class="main">
          {user === null ? <LoginPage /> : forced ? <PasswordChangePage /> : route ? <PageHost route={route} /> : null}
        </main>
      </div>
    </>
  );
}
