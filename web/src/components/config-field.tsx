/**
 * One field of the generic settings editor, chosen by the server's schema (schema-info.ts): a
 * checkbox, a number, a choice, a text (config-leaf-field.tsx), an object as a fieldset of its keys, a
 * list of objects as repeatable fieldsets, a list of plain values one per line, a record as a table of
 * rows (config-record-field.tsx), a union as a choice of variants (config-union-field.tsx), and JSON
 * text only for what has no form (config-json-field.tsx). Field errors sit under their input.
 */
import { useState } from 'preact/hooks';
import { blankLike, inputId, pathText } from '../config/draft';
import { kindOf, schemaAt, type FieldKind, type SchemaNode } from '../config/schema-info';
import { t } from '../i18n/index';
import { ConfigFieldError } from './config-field-error';
import { aboutId, describedBy, FieldAbout, labelOf, type FieldProps } from './config-field-parts';
import { GROUP_STYLE } from './config-group-style';
import { JsonField } from './config-json-field';
import { LeafField } from './config-leaf-field';
import { RecordField } from './config-record-field';
import { UnionField } from './config-union-field';

export type { FieldContext } from './config-field-parts';

/** The schema's kind, or for a key the schema does not know, the kind its value has. */
function kindFor(node: SchemaNode | undefined, value: unknown): FieldKind {
  const k = kindOf(node);
  if (k.kind !== 'json' || node) return k;
  if (typeof value === 'boolean') return { kind: 'bool' };
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'string') return { kind: 'text' };
  return k;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `node` and `at` default to the schema and label path of `path` (right for a section); `bare` puts
 * an object's fields in place without a fieldset of its own (a list entry, a union's variant).
 */
export function ConfigField(props: Omit<FieldProps, 'node' | 'at'> & { node?: SchemaNode; at?: readonly string[]; bare?: boolean; hide?: readonly string[] }) {
  const node = props.node ?? schemaAt(props.path);
  const at = props.at ?? props.path.filter((s): s is string => typeof s === 'string');
  const f: FieldProps = { path: props.path, value: props.value, ctx: props.ctx, node, at, label: props.label };
  const field = fieldFor(f, kindFor(node, props.value), props.bare === true, props.hide);
  // A section that is a list (lines) gets the form's stacked layout its object sections get from ObjectFields.
  return props.path.length <= 1 && !isPlainObject(props.value) ? <div class="form">{field}</div> : field;
}

function fieldFor(f: FieldProps, kind: FieldKind, bare: boolean, hide: readonly string[] | undefined) {
  const { value } = f;
  switch (kind.kind) {
    case 'object':
      if (value !== undefined && !isPlainObject(value)) break;
      return <ObjectFields f={f} kind={kind} bare={bare || f.path.length <= 1} hide={hide ?? kind.fixed} />;
    case 'list':
      if (value !== undefined && !Array.isArray(value)) break;
      if (['object', 'json', 'union', 'record', 'list'].includes(kind.item.kind)) return <ObjectList f={f} list={(value as unknown[] | undefined) ?? []} itemNode={kind.itemNode} />;
      return <PlainList f={f} list={(value as unknown[] | undefined) ?? []} numeric={kind.item.kind === 'number'} />;
    case 'record':
      if (value !== undefined && !isPlainObject(value)) break;
      return <RecordField f={f} kind={kind} record={(value as Record<string, unknown> | undefined) ?? {}} />;
    case 'union':
      return <UnionField f={f} variants={kind.variants} />;
    case 'fixed':
      return <ConfigFieldError id={`${inputId(f.path)}-err`} path={pathText(f.path)} messages={f.ctx.errors.get(pathText(f.path))} />;
    case 'json':
      break;
    default:
      return <LeafField f={f} kind={kind} />;
  }
  return <JsonField f={f} />;
}

function ObjectFields({ f, kind, bare, hide }: { f: FieldProps; kind: Extract<FieldKind, { kind: 'object' }>; bare: boolean; hide: readonly string[] }) {
  const value = f.value as Record<string, unknown> | undefined;
  const all = [...kind.keys, ...Object.keys(value ?? {}).filter((k) => !kind.keys.includes(k))].filter((k) => !hide.includes(k));
  const p = pathText(f.path);
  const errId = `${inputId(f.path)}-err`;
  const body = (
    <>
      <ConfigFieldError id={errId} path={p} messages={f.ctx.errors.get(p)} />
      {all.map((k) => (
        <ConfigField key={k} path={[...f.path, k]} value={value?.[k]} ctx={f.ctx} node={kind.shape[k]} at={[...f.at, k]} />
      ))}
    </>
  );
  if (f.path.length <= 1) return <div class="form">{body}</div>;
  if (bare) return body;
  return (
    <fieldset class="config-group" style={GROUP_STYLE} aria-describedby={describedBy(aboutId(f.path, f.at), f.ctx.errors.has(p) && errId)}>
      <legend>{labelOf(f)}</legend>
      <FieldAbout path={f.path} at={f.at} />
      {body}
    </fieldset>
  );
}

function ObjectList({ f, list, itemNode }: { f: FieldProps; list: unknown[]; itemNode: SchemaNode | undefined }) {
  const { path, ctx } = f;
  const p = pathText(path);
  const errId = `${inputId(path)}-err`;
  const add = () => ctx.set([...path, list.length], list.length > 0 ? blankLike(list[list.length - 1]) : {});
  return (
    <fieldset class="config-group" style={GROUP_STYLE} aria-describedby={describedBy(aboutId(path, f.at), ctx.errors.has(p) && errId)}>
      <legend>{labelOf(f)}</legend>
      <FieldAbout path={path} at={f.at} />
      <ConfigFieldError id={errId} path={p} messages={ctx.errors.get(p)} />
      {list.length === 0 && <p class="hint">{t('config.emptyList')}</p>}
      {list.map((item, i) => (
        <fieldset key={i} class="config-group" style={GROUP_STYLE}>
          <legend>{t('config.item', { n: i + 1 })}</legend>
          <ConfigField path={[...path, i]} value={item} ctx={ctx} node={itemNode} at={f.at} bare />
          <button type="button" onClick={() => ctx.remove(path, i)}>
            {t('config.removeItem', { n: i + 1 })}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={add}>
        {t('config.addItem', { name: labelOf(f) })}
      </button>
    </fieldset>
  );
}

function PlainList({ f, list, numeric }: { f: FieldProps; list: unknown[]; numeric: boolean }) {
  const { path, ctx } = f;
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
      <label for={id}>{labelOf(f)}</label>
      <textarea id={id} rows={Math.min(6, Math.max(2, list.length + 1))} value={text} onInput={(e) => change(e.currentTarget.value)} aria-describedby={describedBy(aboutId(path, f.at), `${id}-hint`, errs.length > 0 && `${id}-err`)} aria-invalid={errs.length > 0 || undefined} />
      <FieldAbout path={path} at={f.at} />
      <span id={`${id}-hint`} class="hint">
        {t('config.onePerLine')}
      </span>
      <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
    </div>
  );
}
