/**
 * The human name and one-line hint of a configuration field, looked up as `cfgkey.<path>` and
 * `cfghint.<path>`, and the name of a union's choice as `cfgvariant.<path>.<variant>`, where the path
 * is the field's label path: object keys only, list indices and record keys left out (every entry of
 * `lines` shares `cfgkey.lines.port`, every slot of `policy.slotLimits` shares
 * `cfgkey.policy.slotLimits.callMinutes`). These are the only translations looked up with a computed
 * key; the catalogue test checks both languages cover every key the schema walk (schema-walk.ts) finds
 * instead of scanning for literals.
 */
import { t } from '../i18n/index';

export type LabelPath = readonly string[];

function lookup(key: string): string | null {
  const text = t(key);
  return text === key || text.trim() === '' ? null : text;
}

/** The field's label; a key the catalogues do not know shows as written. */
export function configLabel(at: LabelPath): string {
  return lookup(`cfgkey.${at.join('.')}`) ?? at[at.length - 1] ?? '';
}

/** The field's one-line explanation, or null when its label says enough. */
export function configHint(at: LabelPath): string | null {
  return lookup(`cfghint.${at.join('.')}`);
}

/** The name of one choice of a union field (`off`, `self-signed certificate`, …). */
export function variantLabel(at: LabelPath, variant: string): string {
  return lookup(`cfgvariant.${at.join('.')}.${variant}`) ?? variant;
}
