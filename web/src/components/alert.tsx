import { ApiFailure } from '../api/client';
import { t } from '../i18n/index';

/** The text for a failed API call: the server's message, or a word about the network. */
export function failureText(e: unknown): string {
  if (e instanceof ApiFailure) {
    if (e.status === 0) return t('error.network');
    if (e.status === 403) return t('error.forbidden', { message: e.message });
    return t('error.api', { status: e.status, message: e.message });
  }
  return e instanceof Error ? e.message : String(e);
}

/** An error announced at once to screen readers (`role=alert`). */
export function Alert({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p class="alert" role="alert">
      {typeof error === 'string' ? error : failureText(error)}
    </p>
  );
}
