/**
 * A configuration field that is one of several variants (schema-info.ts `variantsOf`): a labelled
 * choice of the variants, named from the catalogues (field-labels.ts `variantLabel`), then the chosen
 * variant's own fields: an object's keys (its discriminator set by the choice), a list, or a text or
 * number typed in. Errors about the field as a whole sit under the choice; a value fitting no variant is
 * shown as JSON text so nothing is lost.
 */
import { getAt, inputId, pathText } from '../config/draft';
import { variantLabel } from '../config/field-labels';
import { kindOf, valueForChoice, variantOf, type Variant } from '../config/schema-info';
import { t } from '../i18n/index';
import { ConfigField } from './config-field';
import { ConfigFieldError } from './config-field-error';
import { aboutId, describedBy, FieldAbout, labelOf, type FieldProps } from './config-field-parts';
import { GROUP_STYLE } from './config-group-style';
import { JsonField } from './config-json-field';
import { LeafField } from './config-leaf-field';

/** The value of the choice when the current value fits no variant. */
const OTHER = '';

export function UnionField({ f, variants }: { f: FieldProps; variants: readonly Variant[] }) {
  const { path, value, ctx, at } = f;
  const current = variantOf(variants, value);
  const id = `${inputId(path)}-variant`;
  const p = pathText(path);
  // A typed-in variant is the field's value itself: its input shows the field's errors.
  const leaf = current?.shape === 'leaf';
  const errs = leaf ? undefined : ctx.errors.get(p);
  const errId = errs && errs.length > 0 ? `${id}-err` : undefined;
  function choose(variantId: string) {
    const v = variants.find((x) => x.id === variantId);
    if (v) ctx.set(path, valueForChoice(variants, v, getAt(ctx.original, path.slice(1))));
  }
  return (
    <fieldset class="config-group" style={GROUP_STYLE} data-union={p} aria-describedby={describedBy(aboutId(path, at))}>
      <legend>{labelOf(f)}</legend>
      <FieldAbout path={path} at={at} />
      <div class="field">
        <label for={id}>{t('config.variantChoice')}</label>
        <select id={id} value={current?.id ?? OTHER} onChange={(e) => choose(e.currentTarget.value)} aria-describedby={describedBy(errId)} aria-invalid={errId ? true : undefined}>
          {current === null && <option value={OTHER}>{t('config.variantOther')}</option>}
          {variants.map((v) => (
            <option key={v.id} value={v.id}>
              {variantLabel(at, v.id)}
            </option>
          ))}
        </select>
        <ConfigFieldError id={`${id}-err`} path={p} messages={errs} />
      </div>
      {current === null && <JsonField f={f} />}
      {(current?.shape === 'object' || current?.shape === 'list') && <ConfigField path={path} value={value} ctx={ctx} node={current.node} at={at} bare />}
      {current?.shape === 'leaf' && <LeafField f={{ ...f, node: current.node, label: variantLabel(at, current.id) }} kind={kindOf(current.node)} />}
    </fieldset>
  );
}
