import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { me } from '../api/session';
import type { Role } from '../api/types';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';

/** An account as GET /api/users lists it (never a hash). */
interface Account {
  name: string;
  role: Role;
  changedAt: string | null;
  lastLogin: string | null;
  mustChangePassword: boolean;
}

const ROLES: readonly Role[] = ['admin', 'user', 'sms'];
const MIN_PASSWORD = 8;

function roleLabel(r: Role): string {
  return r === 'admin' ? t('users.roleAdmin') : r === 'user' ? t('users.roleUser') : t('users.roleSms');
}

function when(iso: string | null): string {
  return iso ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : t('users.never');
}

/** Manual §5.2: the accounts, their roles and passwords (admin only). */
export default function UsersPage() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function reload() {
    try {
      setAccounts((await api<{ users: Account[] }>('GET', '/users')).users);
    } catch (err) {
      setError(err);
    }
  }
  useEffect(() => void reload(), []);

  async function run(f: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await f());
      await reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function add(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const password = String(d.get('password') ?? '');
    if (password.length < MIN_PASSWORD) return setError(t('users.tooShort', { min: MIN_PASSWORD }));
    void run(async () => {
      const name = String(d.get('name') ?? '');
      await api('POST', '/users', { name, password, role: String(d.get('role') ?? 'user') });
      form.reset();
      return t('users.added', { name });
    });
  }

  function changeRole(a: Account, role: Role) {
    void run(async () => {
      await api('PUT', `/users/${encodeURIComponent(a.name)}`, { role });
      return t('users.roleChanged', { name: a.name, role: roleLabel(role) });
    });
  }

  function resetPassword(e: Event, a: Account) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const password = String(new FormData(form).get('password') ?? '');
    if (password.length < MIN_PASSWORD) return setError(t('users.tooShort', { min: MIN_PASSWORD }));
    void run(async () => {
      await api('PUT', `/users/${encodeURIComponent(a.name)}`, { password });
      form.reset();
      return t('users.passwordSet', { name: a.name });
    });
  }

  function remove(a: Account) {
    if (!confirm(t('users.deleteConfirm', { name: a.name }))) return;
    void run(async () => {
      await api('DELETE', `/users/${encodeURIComponent(a.name)}`);
      return t('users.deleted', { name: a.name });
    });
  }

  const col = { name: t('users.name'), role: t('users.role'), lastLogin: t('users.lastLogin'), password: t('users.password'), actions: t('users.actions') };
  const self = me.value?.user;
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      <Alert error={error} />
      {notice && (
        <p class="success" role="status">
          {notice}
        </p>
      )}
      {accounts === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data cards" data-table="users">
            <caption class="visually-hidden">{t('users.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{col.name}</th>
                <th scope="col">{col.role}</th>
                <th scope="col">{col.lastLogin}</th>
                <th scope="col">{col.password}</th>
                <th scope="col">{col.actions}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.name} data-user={a.name}>
                  <th scope="row" data-col="name" data-label={col.name}>
                    {a.name}
                    {a.mustChangePassword && <span class="tag">{t('users.mustChange')}</span>}
                  </th>
                  <td data-col="role" data-label={col.role}>
                    <select aria-label={t('users.roleOf', { name: a.name })} name="role" value={a.role} disabled={busy} onChange={(e) => changeRole(a, (e.currentTarget as HTMLSelectElement).value as Role)}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {roleLabel(r)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td data-col="lastLogin" data-label={col.lastLogin}>
                    {when(a.lastLogin)}
                  </td>
                  <td data-col="password" data-label={col.password}>
                    {a.name === self ? (
                      <a href="#/account">{t('users.ownPassword')}</a>
                    ) : (
                      <form data-form="user-password" onSubmit={(e) => resetPassword(e, a)}>
                        <input type="password" name="password" autocomplete="new-password" required minLength={MIN_PASSWORD} aria-label={t('users.newPasswordFor', { name: a.name })} />{' '}
                        <button type="submit" disabled={busy}>
                          {t('users.setPassword')}
                        </button>
                      </form>
                    )}
                  </td>
                  <td data-col="actions" data-label={col.actions} class="actions">
                    <button type="button" data-action="delete-user" disabled={busy || a.name === self} onClick={() => remove(a)}>
                      {t('users.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('users.addTitle')}</h2>
      <form data-form="user-add" class="form" onSubmit={add}>
        <div class="field">
          <label for="users-new-name">{t('users.name')}</label>
          <input id="users-new-name" name="name" required pattern="[a-z][a-z0-9_.\-]{0,31}" autocomplete="off" aria-describedby="users-name-hint" />
          <span id="users-name-hint" class="hint">
            {t('users.nameRule')}
          </span>
        </div>
        <div class="field">
          <label for="users-new-password">{t('users.password')}</label>
          <input id="users-new-password" name="password" type="password" autocomplete="new-password" required minLength={MIN_PASSWORD} aria-describedby="users-password-hint" />
          <span id="users-password-hint" class="hint">
            {t('users.passwordRule', { min: MIN_PASSWORD })}
          </span>
        </div>
        <div class="field">
          <label for="users-new-role">{t('users.role')}</label>
          <select id="users-new-role" name="role">
            {ROLES.map((r) => (
              <option key={r} value={r} selected={r === 'user'}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('users.add')}
        </button>
      </form>
    </section>
  );
}
