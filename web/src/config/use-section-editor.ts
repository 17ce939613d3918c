/**
 * The state of a settings form: the section as loaded, the edited copy, field errors (from the
 * browser's run of the server's validator, or from the API's 400 answer) and the save.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiFailure } from '../api/client';
import { removeAt, setAt, type Path } from './draft';
import { validateSection, type FieldMessage } from './section-validator';

export function errorMap(list: readonly FieldMessage[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of list) m.set(e.path, [...(m.get(e.path) ?? []), e.message]);
  return m;
}

/** The API's 400 `fields` list, when the failure carried one. */
export function apiFields(e: unknown): FieldMessage[] | null {
  if (!(e instanceof ApiFailure) || e.status !== 400) return null;
  const fields = (e.body as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return null;
  return fields.filter((f): f is FieldMessage => typeof f?.path === 'string' && typeof f?.message === 'string');
}

/** Moves focus to the first input marked invalid, so keyboard users land on the problem. */
export function focusFirstInvalid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('#main [aria-invalid="true"]')?.focus());
}

export function useSectionEditor(section: string, others: Record<string, unknown>) {
  const [original, setOriginal] = useState<unknown>(undefined);
  const [draft, setDraft] = useState<unknown>(undefined);
  const [errors, setErrors] = useState<FieldMessage[]>([]);
  const [revision, setRevision] = useState(0);
  const [checked, setChecked] = useState(false);

  function load(value: unknown) {
    setOriginal(value);
    setDraft(value);
    setErrors([]);
    setChecked(false);
    setRevision((r) => r + 1);
  }

  function recheck(next: unknown) {
    // After a first save attempt, errors follow the typing; before it, the form stays quiet.
    if (checked) setErrors(validateSection(section, next, others));
  }

  return {
    original,
    draft,
    revision,
    errors: useMemo(() => errorMap(errors), [errors]),
    errorList: errors,
    load,
    set(path: Path, value: unknown) {
      const next = setAt(draft, path.slice(1), value);
      setDraft(next);
      recheck(next);
    },
    remove(path: Path, index: number) {
      const next = removeAt(draft, path.slice(1), index);
      setDraft(next);
      recheck(next);
    },
    /** Runs the validator; true when the section may be sent. */
    validate(): boolean {
      setChecked(true);
      const found = validateSection(section, draft, others);
      setErrors(found);
      if (found.length > 0) focusFirstInvalid();
      return found.length === 0;
    },
    showApiErrors(list: FieldMessage[]) {
      setChecked(true);
      setErrors(list);
      focusFirstInvalid();
    },
  };
}
