import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import { Alert } from '../components/alert';
import { MIN_PASSWORD, OwnPasswordFields, readOwnPassword } from '../components/own-password-fields';
import { t } from '../i18n/index';

/** The account's own settings: its password (PUT /api/me/password) and the UI language. */
export default function AccountPage() {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const { current, password, problem } = readOwnPassword(form);
    setDone(false);
    if (problem === 'short') return setError(t('account.tooShort', { min: MIN_PASSWORD }));
    if (problem === 'mismatch') return setError(t('account.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/me/password', { currentPassword: current, password });
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
        <OwnPasswordFields idPrefix="pw" labels={{ current: t('account.current'), next: t('account.new'), rule: t('account.rule', { min: MIN_PASSWORD }), confirm: t('account.confirm') }} />
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
