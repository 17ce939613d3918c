/**
 * The other half of `redactSecrets`: an editor that was shown a configuration with its secrets
 * replaced by `[redacted]` sends the marker back for the secrets it did not change. Each marker in a
 * secret field is replaced by the value stored at the same place (same keys, same list index);
 * a marker where nothing is stored is an error, since the secret it stands for does not exist.
 */
import { formatPath, type FieldError } from './errors.js';
import { isSecretPath, REDACTED } from './secret-fields.js';

export interface Restored {
  value: unknown;
  errors: FieldError[];
}

/**
 * `incoming` with every `[redacted]` in a secret field replaced from `stored`. `at` is where both
 * sit in the whole document (e.g. `['sip']`), so that the secret-field patterns match.
 */
export function restoreRedacted(incoming: unknown, stored: unknown, at: readonly PropertyKey[]): Restored {
  const errors: FieldError[] = [];
  const value = walk(incoming, stored, [...at], errors);
  return { value, errors };
}

function walk(v: unknown, stored: unknown, path: PropertyKey[], errors: FieldError[]): unknown {
  if (v === REDACTED && isSecretPath(path)) {
    if (stored === undefined || stored === null || typeof stored === 'object') {
      errors.push({ path: formatPath(path), message: `"${REDACTED}" keeps a stored secret, but none is stored here; send the secret itself` });
      return v;
    }
    return stored;
  }
  if (Array.isArray(v)) {
    const s = Array.isArray(stored) ? stored : [];
    return v.map((x, i) => walk(x, s[i], [...path, i], errors));
  }
  if (typeof v === 'object' && v !== null) {
    const s = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, Object.hasOwn(s, k) ? s[k] : undefined, [...path, k], errors)]));
  }
  return v;
}
