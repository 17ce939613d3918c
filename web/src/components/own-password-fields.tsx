/**
 * The three fields of changing one's own password (current, new, new again), shared by the account
 * page and the forced change after a generated or admin-set password, and the checks run before the
 * request (the server checks again: PUT /api/me/password).
 */
/** The server's shortest password (MIN_PASSWORD_LENGTH in src/config/auth-store.ts, which the browser cannot import). */
export const MIN_PASSWORD = 8;

export interface OwnPasswordLabels {
  current: string;
  next: string;
  rule: string;
  confirm: string;
}

export function OwnPasswordFields({ idPrefix, labels }: { idPrefix: string; labels: OwnPasswordLabels }) {
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-current`}>{labels.current}</label>
        <input id={`${idPrefix}-current`} name="currentPassword" type="password" autocomplete="current-password" required />
      </div>
      <div class="field">
        <label for={`${idPrefix}-new`}>{labels.next}</label>
        <input id={`${idPrefix}-new`} name="password" type="password" autocomplete="new-password" required minLength={MIN_PASSWORD} aria-describedby={`${idPrefix}-rule`} />
        <span id={`${idPrefix}-rule`} class="hint">
          {labels.rule}
        </span>
      </div>
      <div class="field">
        <label for={`${idPrefix}-confirm`}>{labels.confirm}</label>
        <input id={`${idPrefix}-confirm`} name="confirm" type="password" autocomplete="new-password" required />
      </div>
    </>
  );
}

/** The form's values, or which check failed: too short, or the two new ones differ. */
export function readOwnPassword(form: HTMLFormElement): { current: string; password: string; problem: 'short' | 'mismatch' | null } {
  const d = new FormData(form);
  const password = String(d.get('password') ?? '');
  const current = String(d.get('currentPassword') ?? '');
  const problem = password.length < MIN_PASSWORD ? 'short' : password !== String(d.get('confirm') ?? '') ? 'mismatch' : null;
  return { current, password, problem };
}
