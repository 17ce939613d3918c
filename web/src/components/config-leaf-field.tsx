/**
 * A single-value configuration field: a checkbox, a choice, a number or a text (a password box for
 * secrets, "unchanged" until typed in, and a plain-language reading of rule texts as they are typed).
 */
import { isSecretPath, REDACTED } from '../../../src/config/secret-fields.js';
import { getAt, inputId, pathText } from '../config/draft';
import { mayBe, type FieldKind } from '../config/schema-info';
import { t } from '../i18n/index';
import { ConfigFieldError } from './config-field-error';
import { aboutId, describedBy, emptyValue, FieldAbout, labelOf, type FieldProps } from './config-field-parts';

/** With `f.label` set (a union's typed-in variant) the union above shows the field's hint instead. */
export function LeafField({ f, kind }: { f: FieldProps; kind: FieldKind }) {
  const { path, value, ctx, node } = f;
  const id = inputId(path);
  const p = pathText(path);
  const errs = ctx.errors.get(p);
  const errId = errs && errs.length > 0 ? `${id}-err` : undefined;
  const about = f.label === undefined ? aboutId(path, f.at) : undefined;
  const label = <label for={id}>{labelOf(f)}</label>;
  const invalid = errId ? true : undefined;
  const hintOf = f.label === undefined ? <FieldAbout path={path} at={f.at} /> : null;

  if (kind.kind === 'bool') {
    return (
      <div class="field check">
        <label for={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => ctx.set(path, e.currentTarget.checked)} aria-describedby={describedBy(about, errId)} aria-invalid={invalid} /> {labelOf(f)}
        </label>
        {hintOf}
        <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
      </div>
    );
  }

  if (kind.kind === 'enum') {
    const may = mayBe(node);
    const current = typeof value === 'string' ? value : '';
    return (
      <div class="field">
        {label}
        <select id={id} value={current} onChange={(e) => ctx.set(path, e.currentTarget.value === '' ? emptyValue(node, value) : e.currentTarget.value)} aria-describedby={describedBy(about, errId)} aria-invalid={invalid}>
          {(may.absent || may.nul || current === '') && <option value="">{t('config.notSet')}</option>}
          {kind.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        {hintOf}
        <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
      </div>
    );
  }

  if (kind.kind === 'number') {
    const shown = value === undefined || value === null ? '' : String(value);
    return (
      <div class="field">
        {label}
        <input
          id={id}
          type="text"
          inputMode="numeric"
          value={shown}
          onInput={(e) => {
            const raw = e.currentTarget.value.trim();
            ctx.set(path, raw === '' ? emptyValue(node, value) : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
          }}
          aria-describedby={describedBy(about, errId)}
          aria-invalid={invalid}
        />
        {hintOf}
        <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
      </div>
    );
  }

  const secret = isSecretPath(path);
  const storedSecret = secret && getAt(ctx.original, path.slice(1)) === REDACTED;
  const text = value === undefined || value === null || (secret && value === REDACTED) ? '' : String(value);
  const explanation = !secret && typeof value === 'string' ? ctx.explain(path, value) : null;
  const hintId = secret || explanation ? `${id}-hint` : undefined;
  const common = {
    id,
    placeholder: storedSecret ? t('config.unchanged') : undefined,
    value: text,
    onInput: (e: { currentTarget: HTMLInputElement }) => {
      const raw = e.currentTarget.value;
      ctx.set(path, raw === '' ? (storedSecret ? REDACTED : emptyValue(node, value)) : raw);
    },
    'aria-describedby': describedBy(about, hintId, errId),
    'aria-invalid': invalid,
    spellcheck: false,
  };
  return (
    <div class="field">
      {label}
      {secret ? <input type="password" autocomplete="new-password" {...common} /> : <input type="text" autocomplete="off" {...common} />}
      {hintOf}
      {secret && (
        <span id={hintId} class="hint">
          {storedSecret ? t('config.secretKept') : t('config.secretHint')}
        </span>
      )}
      {explanation && (
        <span id={hintId} class="hint" aria-live="polite" data-explain={p}>
          {explanation.ok ? explanation.text : explanation.error}
        </span>
      )}
      <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
    </div>
  );
}
