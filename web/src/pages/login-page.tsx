import { useState } from 'preact/hooks';
import { ApiFailure } from '../api/client';
import { login } from '../api/session';
import { t } from '../i18n/index';
import { navigate } from '../router';
import { homeFor } from '../routes';

function loginError(e: unknown): string {
  if (e instanceof ApiFailure) {
    if (e.status === 401) return t('login.invalid');
    if (e.status === 429) return t('login.tooMany', { message: e.message });
    if (e.status === 0) return t('error.network');
    return t('error.api', { status: e.status, message: e.message });
  }
  return String(e);
}

export function LoginPage() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    try {
      const m = await login(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      navigate(homeFor(m.role), true);
    } catch (err) {
      setError(loginError(err));
      (form.elements.namedItem('password') as HTMLInputElement | null)?.select();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <form data-form="login" class="form" onSubmit={submit}>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input id="login-username" name="username" autocomplete="username" required autoFocus />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        </div>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      <p class="hint">{t('login.firstStart')}</p>
    </section>
  );
}
