import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';

const MIN_PASSWORD = 8;

/** The account's own settings: its password (PUT /api/me/password) and the UI language. */
export default function AccountPage() {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const password = String(d.get('password') ?? '');
    setDone(false);
    if (password.length < MIN_PASSWORD) return setError(t('account.tooShort', { min: MIN_PASSWORD }));
    if (password !== String(d.get('confirm') ?? '')) return setError(t('account.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/me/password', { currentPassword: String(d.get('currentPassword') ?? ''), password });
      form.reset();
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      <p>{t('account.signedIn', { user: me.value?.user ?? '' })}</p>
      <h2>{t('account.passwordTitle')}</h2>
      <form data-form="password" class="form" onSubmit={submit}>
        <div class="field">
          <label for="pw-current">{t('account.current')}</label>
          <input id="pw-current" name="currentPassword" type="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="pw-new">{t('account.new')}</label>
          <input id="pw-new" name="password" type="password" autocomplete="new-password" required minLength={MIN_PASSWORD} aria-describedby="pw-hint" />
          <span id="pw-hint" class="hint">
            {t('account.rule', { min: MIN_PASSWORD })}
          </span>
        </div>
        <div class="field">
          <label for="pw-confirm">{t('account.confirm')}</label>
          <input id="pw-confirm" name="confirm" type="password" autocomplete="new-password" required />
        </div>
        <Alert error={error} />
        {done && (
          <p class="success" role="status">
            {t('account.changed')}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('account.change')}
        </button>
      </form>
      <h2>{t('account.languageTitle')}</h2>
      <p>{t('account.languageHint')}</p>
    </section>
  );
}
