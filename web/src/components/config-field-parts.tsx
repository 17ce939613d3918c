/**
 * Pieces shared by the generic settings editor's field components (config-field.tsx and the union and
 * record editors): the context they edit through, labels, the hint under an input and the value an
 * emptied input stands for.
 */
import type { Path } from '../config/draft';
import { inputId } from '../config/draft';
import { configHint, configLabel, type LabelPath } from '../config/field-labels';
import type { Explanation } from '../config/rule-explain';
import { sectionTitle } from '../config/section-titles';
import { mayBe, type SchemaNode } from '../config/schema-info';
import { t } from '../i18n/index';

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

/**
 * Where a field is: its path in the document (errors, ids, edits), its schema node, and its label
 * path (catalogue keys); `label` overrides the catalogue's name (a union's typed-in variant).
 */
export interface FieldProps {
  path: Path;
  value: unknown;
  ctx: FieldContext;
  node: SchemaNode | undefined;
  at: LabelPath;
  label?: string;
}

export function labelOf(p: Pick<FieldProps, 'path' | 'at' | 'label'>): string {
  if (p.label !== undefined) return p.label;
  if (p.path.length === 1) return sectionTitle(String(p.path[0]));
  const last = p.path[p.path.length - 1];
  return typeof last === 'number' ? t('config.item', { n: last + 1 }) : configLabel(p.at);
}

/** The id of the field's explanation under its input, when the catalogue has one. */
export function aboutId(path: Path, at: LabelPath): string | undefined {
  return configHint(at) === null ? undefined : `${inputId(path)}-about`;
}

/** What a field means, one line under its input (the input names it in aria-describedby). */
export function FieldAbout({ path, at }: { path: Path; at: LabelPath }) {
  const text = configHint(at);
  if (text === null) return null;
  return (
    <span id={`${inputId(path)}-about`} class="hint" data-field-hint>
      {text}
    </span>
  );
}

export function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s === '' ? undefined : s;
}

/** The value an emptied input stands for: absent, null or the empty text, as the field allows. */
export function emptyValue(node: SchemaNode | undefined, was: unknown): unknown {
  const may = mayBe(node);
  if (was === null || (may.nul && !may.absent)) return null;
  return may.absent ? undefined : '';
}

/** The messages at `p` and below it, each below-path one prefixed with the rest of its path. */
export function messagesUnder(errors: ReadonlyMap<string, string[]>, p: string): string[] {
  return [...errors.entries()]
    .filter(([k]) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`))
    .flatMap(([k, v]) => v.map((m) => (k === p ? m : `${k.slice(p.length).replace(/^\./, '')}: ${m}`)));
}
