import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';
import { navigate } from '../router';
import { homeFor } from '../routes';

const MIN_PASSWORD = 8;

/**
 * The forced password change: an account whose password was generated at first start or set by an
 * admin must choose its own before anything else (the API refuses every other route meanwhile).
 */
export function PasswordChangePage() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(d.get('password') ?? '');
    const current = String(d.get('currentPassword') ?? '');
    if (password.length < MIN_PASSWORD) return setError(t('users.tooShort', { min: MIN_PASSWORD }));
    if (password !== String(d.get('confirm') ?? '')) return setError(t('users.forcedMismatch'));
    if (password === current) return setError(t('users.forcedSame'));
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/me/password', { currentPassword: current, password });
      const who = me.value;
      if (who) {
        me.value = { ...who, mustChangePassword: false };
        navigate(homeFor(who.role), true);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="login" aria-labelledby="forced-title">
      <h1 id="forced-title">{t('users.forcedTitle')}</h1>
      <p>{t('users.forcedHint', { user: me.value?.user ?? '' })}</p>
      <form data-form="password-change" class="form" onSubmit={submit}>
        <div class="field">
          <label for="forced-current">{t('users.forcedCurrent')}</label>
          <input id="forced-current" name="currentPassword" type="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="forced-new">{t('users.forcedNew')}</label>
          <input id="forced-new" name="password" type="password" autocomplete="new-password" required minLength={MIN_PASSWORD} aria-describedby="forced-rule" />
          <span id="forced-rule" class="hint">
            {t('users.passwordRule', { min: MIN_PASSWORD })}
          </span>
        </div>
        <div class="field">
          <label for="forced-confirm">{t('users.forcedConfirm')}</label>
          <input id="forced-confirm" name="confirm" type="password" autocomplete="new-password" required />
        </div>
        <Alert error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('users.forcedSubmit')}
        </button>
      </form>
    </section>
  );
}
