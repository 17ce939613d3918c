/**
 * The human name and one-line hint of a configuration field, looked up as `cfgkey.<path>` and
 * `cfghint.<path>` (list indices left out: every entry of `lines` shares `cfgkey.lines.port`). These are
 * the only translations looked up with a computed key; the catalogue test checks both languages cover
 * every schema key instead of scanning for literals.
 */
import { t } from '../i18n/index';
import type { Path } from './draft';

/** `sms.forward[0].phone` → `sms.forward.phone`. */
export function labelPath(path: Path): string {
  return path.filter((seg): seg is string => typeof seg === 'string').join('.');
}

function lookup(key: string): string | null {
  const text = t(key);
  return text === key || text.trim() === '' ? null : text;
}

/** The field's label; a key the catalogues do not know (e.g. a record's own key) shows as written. */
export function configLabel(path: Path): string {
  const last = path[path.length - 1];
  const fallback = last === undefined ? '' : String(last);
  return lookup(`cfgkey.${labelPath(path)}`) ?? fallback;
}

/** The field's one-line explanation, or null when its label says enough. */
export function configHint(path: Path): string | null {
  return lookup(`cfghint.${labelPath(path)}`);
}
