import { connection, type ConnectionState } from '../api/events';
import { t } from '../i18n/index';

const LABEL: Record<ConnectionState, () => string> = {
  live: () => t('connection.live'),
  connecting: () => t('connection.connecting'),
  lost: () => t('connection.lost'),
};

/** `[data-connection]`: the live updates' state, as a dot and a word (colour is never the only signal). */
export function ConnectionIndicator() {
  const state = connection.value;
  return (
    <p class="connection" data-connection={state} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {LABEL[state]()}
    </p>
  );
}
