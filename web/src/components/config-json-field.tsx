/**
 * JSON text for a configuration field that has no form (schema-info.ts says which and why), or whose
 * value is not of the shape its schema describes: errors at and below the field show under it.
 */
import { useState } from 'preact/hooks';
import { inputId, pathText } from '../config/draft';
import { t } from '../i18n/index';
import { ConfigFieldError } from './config-field-error';
import { aboutId, describedBy, emptyValue, FieldAbout, labelOf, messagesUnder, type FieldProps } from './config-field-parts';

export function JsonField({ f }: { f: FieldProps }) {
  const { path, value, ctx } = f;
  const id = inputId(path);
  const p = pathText(path);
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  const errs = messagesUnder(ctx.errors, p);
  function change(raw: string) {
    setText(raw);
    if (raw.trim() === '') {
      setBad(false);
      ctx.set(path, emptyValue(f.node, value));
      return;
    }
    try {
      ctx.set(path, JSON.parse(raw));
      setBad(false);
    } catch {
      setBad(true);
    }
  }
  return (
    <div class="field">
      <label for={id}>{labelOf(f)}</label>
      <textarea id={id} class="mono" rows={Math.min(10, Math.max(2, text.split('\n').length))} value={text} onInput={(e) => change(e.currentTarget.value)} aria-describedby={describedBy(aboutId(path, f.at), `${id}-hint`, (errs.length > 0 || bad) && `${id}-err`)} aria-invalid={errs.length > 0 || bad || undefined} spellcheck={false} />
      <FieldAbout path={path} at={f.at} />
      <span id={`${id}-hint`} class="hint">
        {t('config.jsonHint')}
      </span>
      <ConfigFieldError id={`${id}-err`} path={p} messages={bad ? [t('config.badJson'), ...errs] : errs} />
    </div>
  );
}
