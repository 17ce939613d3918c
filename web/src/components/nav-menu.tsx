import { useEffect, useRef, useState } from 'preact/hooks';
import type { Role } from '../api/types';
import { currentPath } from '../router';
import { routesFor } from '../routes';
import { t } from '../i18n/index';

const LIST_ID = 'nav-pages';

/**
 * The pages this role may open (`nav a[data-nav]`); the current one is marked for assistive tech.
 * On narrow screens the list folds behind a "Menu" button (`button[data-action="menu"]`, shown by the
 * stylesheet below 700 px only): choosing a page or Escape folds it again, Escape returning focus to
 * the button. On wide screens the list is always shown and the button hidden.
 */
export function NavMenu({ role }: { role: Role }) {
  const here = currentPath.value;
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  // A page opened any way (link, address, redirect) folds the menu.
  useEffect(() => setOpen(false), [here]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Escape' || !open) return;
    e.preventDefault();
    setOpen(false);
    toggle.current?.focus();
  }

  return (
    <nav class={open ? 'nav open' : 'nav'} aria-label={t('nav.label')} onKeyDown={onKeyDown}>
      <button
        ref={toggle}
        type="button"
        class="nav-toggle"
        data-action="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={LIST_ID}
        onClick={() => setOpen(!open)}
      >
        <span class="nav-toggle-icon" aria-hidden="true" />
        {t('nav.menu')}
      </button>
      <ul id={LIST_ID}>
        {routesFor(role).filter((r) => r.inNav !== false).map((r) => (
          <li key={r.nav}>
            <a href={`#${r.path}`} data-nav={r.nav} aria-current={here === r.path ? 'page' : undefined} onClick={() => setOpen(false)}>
              {r.title()}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
