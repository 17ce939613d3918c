/**
 * One field of the generic settings editor, chosen by the server's schema (schema-info.ts): a
 * checkbox, a number, a choice, a text (a password box for secrets, "unchanged" until typed in),
 * an object as a fieldset of its keys, a list of objects as repeatable fieldsets, a list of plain
 * values one per line, and JSON text for the rest. Field errors sit under their input.
 */
import { useState } from 'preact/hooks';
import { isSecretPath, REDACTED } from '../../../src/config/secret-fields.js';
import { blankLike, getAt, inputId, pathText, type Path } from '../config/draft';
import { configHint, configLabel } from '../config/field-labels';
import type { Explanation } from '../config/rule-explain';
import { fieldKind, fieldMayBe, type FieldKind } from '../config/schema-info';
import { t } from '../i18n/index';
import { ConfigFieldError } from './config-field-error';
import { GROUP_STYLE } from './config-group-style';

export interface FieldContext {
  /** Error messages by path, as the API names paths. */
  errors: ReadonlyMap<string, string[]>;
  /** The section as loaded (to tell an unchanged secret). */
  original: unknown;
  set(path: Path, value: unknown): void;
  remove(path: Path, index: number): void;
  /** A plain-language reading of a rule text (dial rules, prefixes, limits), or null. */
  explain(path: Path, text: string): Explanation | null;
}

function labelOf(path: Path): string {
  const last = path[path.length - 1];
  return typeof last === 'number' ? t('config.item', { n: last + 1 }) : configLabel(path);
}

/** The id of the field's explanation under its input, when the catalogue has one. */
function aboutId(path: Path): string | undefined {
  return configHint(path) === null ? undefined : `${inputId(path)}-about`;
}

/** What a field means, one line under its input (the input names it in aria-describedby). */
function FieldAbout({ path }: { path: Path }) {
  const text = configHint(path);
  if (text === null) return null;
  return (
    <span id={`${inputId(path)}-about`} class="hint" data-field-hint>
      {text}
    </span>
  );
}

function kindFor(path: Path, value: unknown): FieldKind {
  const k = fieldKind(path);
  if (k.kind !== 'json') return k;
  if (typeof value === 'boolean') return { kind: 'bool' };
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'string') return { kind: 'text' };
  return k;
}

/** The value an emptied input stands for: absent, null or the empty text, as the field allows. */
function emptyValue(path: Path, was: unknown): unknown {
  const may = fieldMayBe(path);
  if (was === null || (may.nul && !may.absent)) return null;
  return may.absent ? undefined : '';
}

function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s === '' ? undefined : s;
}

export function ConfigField({ path, value, ctx }: { path: Path; value: unknown; ctx: FieldContext }) {
  const kind = kindFor(path, value);
  if (kind.kind === 'object' && (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)))) {
    return <ObjectFields path={path} value={value as Record<string, unknown> | undefined} keys={kind.keys} ctx={ctx} />;
  }
  if (kind.kind === 'list' && (Array.isArray(value) || value === undefined)) {
    const list = (value as unknown[] | undefined) ?? [];
    if (kind.item.kind === 'object' || kind.item.kind === 'json') return <ObjectList path={path} list={list} ctx={ctx} />;
    return <PlainList path={path} list={list} numeric={kind.item.kind === 'number'} ctx={ctx} />;
  }
  if (kind.kind === 'object' || kind.kind === 'list' || kind.kind === 'json') return <JsonField path={path} value={value} ctx={ctx} />;
  return <LeafField path={path} value={value} kind={kind} ctx={ctx} />;
}

function ObjectFields({ path, value, keys, ctx }: { path: Path; value: Record<string, unknown> | undefined; keys: string[]; ctx: FieldContext }) {
  const all = [...keys, ...Object.keys(value ?? {}).filter((k) => !keys.includes(k))];
  const p = pathText(path);
  const errId = `${inputId(path)}-err`;
  const body = (
    <>
      <ConfigFieldError id={errId} path={p} messages={ctx.errors.get(p)} />
      {all.map((k) => (
        <ConfigField key={k} path={[...path, k]} value={value?.[k]} ctx={ctx} />
      ))}
    </>
  );
  if (path.length <= 1) return <div class="form">{body}</div>;
  return (
    <fieldset class="config-group" style={GROUP_STYLE} aria-describedby={describedBy(aboutId(path), ctx.errors.has(p) && errId)}>
      <legend>{labelOf(path)}</legend>
      <FieldAbout path={path} />
      {body}
    </fieldset>
  );
}

function ObjectList({ path, list, ctx }: { path: Path; list: unknown[]; ctx: FieldContext }) {
  const p = pathText(path);
  const errId = `${inputId(path)}-err`;
  const add = () => ctx.set([...path, list.length], list.length > 0 ? blankLike(list[list.length - 1]) : {});
  return (
    <fieldset class="config-group" style={GROUP_STYLE} aria-describedby={describedBy(aboutId(path), ctx.errors.has(p) && errId)}>
      <legend>{labelOf(path)}</legend>
      <FieldAbout path={path} />
      <ConfigFieldError id={errId} path={p} messages={ctx.errors.get(p)} />
      {list.length === 0 && <p class="hint">{t('config.emptyList')}</p>}
      {list.map((item, i) => (
        <fieldset key={i} class="config-group" style={GROUP_STYLE}>
          <legend>{t('config.item', { n: i + 1 })}</legend>
          <ConfigField path={[...path, i]} value={item} ctx={ctx} />
          <button type="button" onClick={() => ctx.remove(path, i)}>
            {t('config.removeItem', { n: i + 1 })}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={add}>
        {t('config.addItem', { name: labelOf(path) })}
      </button>
    </fieldset>
  );
}

function PlainList({ path, list, numeric, ctx }: { path: Path; list: unknown[]; numeric: boolean; ctx: FieldContext }) {
  const id = inputId(path);
  const p = pathText(path);
  const errs = ctx.errors.get(p) ?? [...ctx.errors.entries()].filter(([k]) => k.startsWith(`${p}[`)).flatMap(([, v]) => v);
  const [text, setText] = useState(list.map(String).join('\n'));
  function change(raw: string) {
    setText(raw);
    const items = raw.split('\n').map((s) => s.trim()).filter((s) => s !== '');
    ctx.set(path, items.map((s) => (numeric && /^-?\d+$/.test(s) ? Number(s) : s)));
  }
  return (
    <div class="field">
      <label for={id}>{labelOf(path)}</label>
      <textarea id={id} rows={Math.min(6, Math.max(2, list.length + 1))} value={text} onInput={(e) => change(e.currentTarget.value)} aria-describedby={describedBy(aboutId(path), `${id}-hint`, errs.length > 0 && `${id}-err`)} aria-invalid={errs.length > 0 || undefined} />
      <FieldAbout path={path} />
      <span id={`${id}-hint`} class="hint">
        {t('config.onePerLine')}
      </span>
      <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
    </div>
  );
}

function JsonField({ path, value, ctx }: { path: Path; value: unknown; ctx: FieldContext }) {
  const id = inputId(path);
  const p = pathText(path);
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  const errs = [...ctx.errors.entries()].filter(([k]) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)).flatMap(([k, v]) => v.map((m) => (k === p ? m : `${k.slice(p.length).replace(/^\./, '')}: ${m}`)));
  function change(raw: string) {
    setText(raw);
    if (raw.trim() === '') {
      setBad(false);
      ctx.set(path, emptyValue(path, value));
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
      <label for={id}>{labelOf(path)}</label>
      <textarea id={id} class="mono" rows={Math.min(10, Math.max(2, text.split('\n').length))} value={text} onInput={(e) => change(e.currentTarget.value)} aria-describedby={describedBy(aboutId(path), `${id}-hint`, (errs.length > 0 || bad) && `${id}-err`)} aria-invalid={errs.length > 0 || bad || undefined} spellcheck={false} />
      <FieldAbout path={path} />
      <span id={`${id}-hint`} class="hint">
        {t('config.jsonHint')}
      </span>
      <ConfigFieldError id={`${id}-err`} path={p} messages={bad ? [t('config.badJson'), ...errs] : errs} />
    </div>
  );
}

function LeafField({ path, value, kind, ctx }: { path: Path; value: unknown; kind: FieldKind; ctx: FieldContext }) {
  const id = inputId(path);
  const p = pathText(path);
  const errs = ctx.errors.get(p);
  const errId = errs && errs.length > 0 ? `${id}-err` : undefined;
  const about = aboutId(path);
  const label = <label for={id}>{labelOf(path)}</label>;
  const invalid = errId ? true : undefined;

  if (kind.kind === 'bool') {
    return (
      <div class="field check">
        <label for={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => ctx.set(path, e.currentTarget.checked)} aria-describedby={describedBy(about, errId)} aria-invalid={invalid} /> {labelOf(path)}
        </label>
        <FieldAbout path={path} />
        <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
      </div>
    );
  }

  if (kind.kind === 'enum') {
    const may = fieldMayBe(path);
    const current = typeof value === 'string' ? value : '';
    return (
      <div class="field">
        {label}
        <select id={id} value={current} onChange={(e) => ctx.set(path, e.currentTarget.value === '' ? emptyValue(path, value) : e.currentTarget.value)} aria-describedby={describedBy(about, errId)} aria-invalid={invalid}>
          {(may.absent || may.nul || current === '') && <option value="">{t('config.notSet')}</option>}
          {kind.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <FieldAbout path={path} />
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
            ctx.set(path, raw === '' ? emptyValue(path, value) : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
          }}
          aria-describedby={describedBy(about, errId)}
          aria-invalid={invalid}
        />
        <FieldAbout path={path} />
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
      ctx.set(path, raw === '' ? (storedSecret ? REDACTED : emptyValue(path, value)) : raw);
    },
    'aria-describedby': describedBy(about, hintId, errId),
    'aria-invalid': invalid,
    spellcheck: false,
  };
  return (
    <div class="field">
      {label}
      {secret ? <input type="password" autocomplete="new-password" {...common} /> : <input type="text" autocomplete="off" {...common} />}
      <FieldAbout path={path} />
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
