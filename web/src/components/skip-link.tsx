import { t } from '../i18n/index';

/** First focusable element: jumps to the page's content without touching the hash route. */
export function SkipLink() {
  return (
    <a
      class="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('header.skip')}
    </a>
  );
}
