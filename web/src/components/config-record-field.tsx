/**
 * A record field (keys → values, e.g. `policy.slotLimits`, `sip.forward.lines`): one fieldset per
 * entry with its key (typed in, or chosen when the schema lists the keys) and the value's own
 * field(s), and buttons to add and remove entries. The key is checked by the schema's key rule when
 * the section is validated; its message, and a warning for a key used twice, sit under the key.
 */
import { useState } from 'preact/hooks';
import { inputId, pathText } from '../config/draft';
import { duplicateRows, nextKey, recordOf, removeRow, renameRow, rowsFor } from '../config/record-rows';
import { blankFor, keyFits, kindOf, type FieldKind } from '../config/schema-info';
import { t } from '../i18n/index';
import { ConfigField } from './config-field';
import { ConfigFieldError } from './config-field-error';
import { aboutId, describedBy, FieldAbout, labelOf, type FieldProps } from './config-field-parts';
import { GROUP_STYLE } from './config-group-style';
import { LeafField } from './config-leaf-field';

type RecordKind = Extract<FieldKind, { kind: 'record' }>;

export function RecordField({ f, kind, record }: { f: FieldProps; kind: RecordKind; record: Record<string, unknown> }) {
  const { path, ctx, at } = f;
  const [keys, setKeys] = useState(() => Object.keys(record));
  const rows = rowsFor(keys, record);
  const dup = duplicateRows(keys);
  const p = pathText(path);
  const errId = `${inputId(path)}-err`;
  const valueKind = kindOf(kind.valueNode);
  const name = labelOf(f);

  function apply(nextKeys: string[], values: unknown[]) {
    setKeys(nextKeys);
    ctx.set(path, recordOf(nextKeys.map((key, i) => ({ key, value: values[i] }))));
  }
  const values = rows.map((r) => r.value);
  const add = () => apply([...keys, nextKey(keys, kind.keyValues)], [...values, blankFor(kind.valueNode)]);
  const rename = (i: number, key: string) => apply(renameRow(keys, i, key), values);
  const remove = (i: number) => apply(removeRow(keys, i), removeRow(values, i));
  const full = kind.keyValues !== null && keys.length >= kind.keyValues.length;

  return (
    <fieldset class="config-group" style={GROUP_STYLE} data-record={p} aria-describedby={describedBy(aboutId(path, at), ctx.errors.has(p) && errId)}>
      <legend>{name}</legend>
      <FieldAbout path={path} at={at} />
      <ConfigFieldError id={errId} path={p} messages={ctx.errors.get(p)} />
      {rows.length === 0 && <p class="hint">{t('config.emptyRecord')}</p>}
      {rows.map((row, i) => {
        const rowPath = [...path, row.key];
        const keyId = `${inputId(path)}-key-${i}`;
        const entryPath = pathText(rowPath);
        // A message at the entry's own path is about its key when the key breaks the key rule, else about its value.
        const keyBad = !keyFits(kind.keyNode, row.key);
        const keyErrs = [...(dup.has(i) ? [t('config.duplicateKey')] : []), ...(keyBad ? (ctx.errors.get(entryPath) ?? []) : [])];
        const valueCtx = keyBad ? { ...ctx, errors: new Map([...ctx.errors].filter(([k]) => k !== entryPath)) } : ctx;
        const keyErrId = keyErrs.length > 0 ? `${keyId}-err` : undefined;
        const keyProps = { id: keyId, 'aria-describedby': keyErrId, 'aria-invalid': keyErrId ? true : undefined, 'data-record-key': i };
        return (
          <fieldset key={i} class="config-group" style={GROUP_STYLE} data-record-row={i}>
            <legend>{row.key === '' ? t('config.item', { n: i + 1 }) : row.key}</legend>
            <div class="field">
              <label for={keyId}>{t('config.recordKey')}</label>
              {kind.keyValues ? (
                <select {...keyProps} value={row.key} onChange={(e) => rename(i, e.currentTarget.value)}>
                  {kind.keyValues.filter((k) => k === row.key || !keys.includes(k)).map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              ) : (
                <input {...keyProps} type="text" autocomplete="off" spellcheck={false} value={row.key} onInput={(e) => rename(i, e.currentTarget.value)} />
              )}
              <ConfigFieldError id={`${keyId}-err`} path={entryPath} messages={keyErrs} />
            </div>
            {valueKind.kind === 'bool' || valueKind.kind === 'number' || valueKind.kind === 'enum' || valueKind.kind === 'text' ? (
              <LeafField f={{ path: rowPath, value: row.value, ctx: valueCtx, node: kind.valueNode, at, label: t('config.recordValue') }} kind={valueKind} />
            ) : (
              <ConfigField path={rowPath} value={row.value} ctx={valueCtx} node={kind.valueNode} at={at} bare />
            )}
            <button type="button" data-action="remove-entry" onClick={() => remove(i)}>
              {t('config.removeEntry', { key: row.key === '' ? String(i + 1) : row.key })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" data-action="add-entry" onClick={add} disabled={full}>
        {t('config.addEntry', { name })}
      </button>
    </fieldset>
  );
}
