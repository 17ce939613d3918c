import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import { Alert } from '../components/alert';
import { MIN_PASSWORD, OwnPasswordFields, readOwnPassword } from '../components/own-password-fields';
import { t } from '../i18n/index';
import { navigate } from '../router';
import { homeFor } from '../routes';

/**
 * The forced password change: an account whose password was generated at first start or set by an
 * admin must choose its own before anything else (the API refuses every other route meanwhile).
 */
export function PasswordChangePage() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const { current, password, problem } = readOwnPassword(e.currentTarget as HTMLFormElement);
    if (problem === 'short') return setError(t('users.tooShort', { min: MIN_PASSWORD }));
    if (problem === 'mismatch') return setError(t('users.forcedMismatch'));
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
        <OwnPasswordFields idPrefix="forced" labels={{ current: t('users.forcedCurrent'), next: t('users.forcedNew'), rule: t('users.passwordRule', { min: MIN_PASSWORD }), confirm: t('users.forcedConfirm') }} />
        <Alert error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('users.forcedSubmit')}
        </button>
      </form>
    </section>
  );
}
