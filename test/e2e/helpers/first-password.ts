/**
 * The printed first-start password must be replaced before the API answers anything else
 * (mustChangePassword): tests that start a fresh daemon choose a password first.
 */
export const CHOSEN_ADMIN_PASSWORD = 'the operator chose this';

/** Replaces admin's printed password over the API; returns the new one. */
export async function replacePrintedPassword(base: string, printed: string): Promise<string> {
  const res = await fetch(`${base}/api/me/password`, {
    method: 'PUT',
    headers: { authorization: 'Basic ' + Buffer.from(`admin:${printed}`).toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: printed, password: CHOSEN_ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`password change refused: ${res.status} ${await res.text()}`);
  return CHOSEN_ADMIN_PASSWORD;
}

/** An account an admin created chooses its own password (as its owner must at the first login). */
export async function chooseOwnPassword(base: string, user: string, given: string, chosen: string): Promise<void> {
  const res = await fetch(`${base}/api/me/password`, {
    method: 'PUT',
    headers: { authorization: 'Basic ' + Buffer.from(`${user}:${given}`).toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword: given, password: chosen }),
  });
  if (res.status !== 200) throw new Error(`password change refused: ${res.status} ${await res.text()}`);
}
