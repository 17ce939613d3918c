import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import { validateSection, type FieldMessage } from './section-validator';
import { errorMap, focusFirstInvalid } from './use-section-editor';

/** What the page's frame shows of a save: the field errors, a failed request, busy, done. */
export interface PolicySaveState {
  errors: readonly FieldMessage[];
  error: unknown;
  saved: boolean;
  busy: boolean;
  /** The paths whose messages an input shows beside itself (the frame's summary lists the others). */
  shown: ReadonlySet<string>;
}

/**
 * Load, check and save of the policy (GET/PUT /api/policy) for a settings page that edits part of it:
 * the page keeps its own editing state and hands over the whole policy it would save. Fields are
 * checked by the server's validator once the first save was tried, then on every edit; the PUT's
 * answer is loaded back, since the running policy engine takes it as the server stored it.
 */
export function usePolicySave<P extends Record<string, unknown>>(onLoad: (policy: P) => void) {
  const [errors, setErrors] = useState<FieldMessage[]>([]);
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<P>('GET', '/policy').then(onLoad).catch(setError);
  }, []);

  /** After an edit: the old "saved" no longer holds; re-check once a save was tried. */
  function edited(candidate: P | null): void {
    setSaved(false);
    if (checked && candidate) setErrors(validateSection('policy', candidate));
  }

  /** The form's submit: check, then PUT unless a field is wrong (the first such input gets focus). */
  async function save(e: Event, candidate: P | null): Promise<void> {
    e.preventDefault();
    if (!candidate) return;
    setChecked(true);
    setError(null);
    setSaved(false);
    const found = validateSection('policy', candidate);
    setErrors(found);
    if (found.length > 0) return focusFirstInvalid();
    setBusy(true);
    try {
      onLoad(await api<P>('PUT', '/policy', candidate));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const byPath = useMemo(() => errorMap(errors), [errors]);
  const shown = new Set<string>();
  const fieldErrors = (path: string): string[] | undefined => {
    shown.add(path);
    return byPath.get(path);
  };

  return { errors, error, saved, busy, edited, save, fieldErrors, shown };
}
