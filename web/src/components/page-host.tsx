import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index';
import type { PageRoute } from '../routes';
import { Alert } from './alert';

/** Loads a page's module on first use, titles the document, and moves focus to the new page's heading. */
export function PageHost({ route }: { route: PageRoute }) {
  const [loaded, setLoaded] = useState<{ path: string; Page: ComponentType } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    route
      .load()
      .then((m) => live && setLoaded({ path: route.path, Page: m.default }))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [route.path]);

  const title = route.title();
  useEffect(() => {
    document.title = `${title} · cellgate`;
  }, [title]);

  useEffect(() => {
    if (loaded?.path !== route.path) return;
    // Screen readers then announce the new page, and Tab continues from its top.
    const heading = document.querySelector<HTMLElement>('#main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [loaded?.path]);

  if (error) return <Alert error={t('app.loadFailed')} />;
  if (!loaded || loaded.path !== route.path) return <p role="status">{t('app.loading')}</p>;
  const Page = loaded.Page;
  return <Page />;
}
