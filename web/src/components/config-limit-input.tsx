/**
 * One SIM limit in the manual's syntax (§4.8), with its meaning in plain words under it as the
 * operator types ("05:00–12:00: 100 minutes; 12:00–23:00: 200 minutes"), read by the policy
 * engine's own parser, and the validator's error for the field.
 */
import { explainLimit } from '../config/limit-explain';
import { limitWords, type LimitField } from '../config/explain-words';
import { t } from '../i18n/index';
import { ConfigFieldError } from './config-field-error';

export function ConfigLimitInput(props: { id: string; label: string; field: LimitField; path: string; value: string; errors: readonly string[] | undefined; disabled?: boolean; onInput(v: string): void }) {
  const { id, field, path, value, errors } = props;
  const r = explainLimit(value, limitWords(field));
  const errId = errors && errors.length > 0 ? `${id}-err` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={path}
        value={value}
        disabled={props.disabled}
        autocomplete="off"
        spellcheck={false}
        placeholder={t('limits.placeholder')}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-describedby={[`${id}-explain`, errId].filter(Boolean).join(' ')}
        aria-invalid={errId ? true : undefined}
      />
      <span id={`${id}-explain`} class="hint" aria-live="polite" data-explain={path}>
        {props.disabled ? '' : r.ok ? (r.gaps ? `${r.text}${t('limits.separator')}${t('limits.otherTimes')}` : r.text) : t('limits.notYet', { error: r.error })}
      </span>
      <ConfigFieldError id={`${id}-err`} path={path} messages={errors} />
    </div>
  );
}
