import type { Role } from '../api/types';
import { currentPath } from '../router';
import { routesFor } from '../routes';
import { t } from '../i18n/index';

/** The pages this role may open (`nav a[data-nav]`); the current one is marked for assistive tech. */
export function NavMenu({ role }: { role: Role }) {
  const here = currentPath.value;
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      <ul>
        {routesFor(role).filter((r) => r.inNav !== false).map((r) => (
          <li key={r.nav}>
            <a href={`#${r.path}`} data-nav={r.nav} aria-current={here === r.path ? 'page' : undefined}>
              {r.title()}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
