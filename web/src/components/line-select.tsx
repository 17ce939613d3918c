import { useEffect, useId, useState } from 'preact/hooks';
import { lineIds, linesError, linesLoaded, refreshLines } from '../api/lines-store';
import { t } from '../i18n/index';

/**
 * `select[name=line]` of the lines there are. With `automatic`, an empty first option lets the
 * server choose. Roles that may not read lines get no select (the server picks).
 */
export function LineSelect({ automatic, value, onChange }: { automatic?: boolean; value?: string; onChange?: (v: string) => void }) {
  const id = useId();
  useEffect(() => {
    if (!linesLoaded.value && linesError.value === null) void refreshLines();
  }, []);
  if (linesError.value === 403) return null;
  return (
    <div class="field">
      <label for={id}>{t('field.line')}</label>
      <select id={id} name="line" value={value} required={!automatic} onChange={(e) => onChange?.((e.currentTarget as HTMLSelectElement).value)}>
        {automatic && <option value="">{t('field.lineAuto')}</option>}
        {lineIds.value.map((l) => (
          <option key={l} value={String(l)}>
            {t('field.lineN', { line: l })}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The line a select without an automatic choice shows: the operator's choice while that line exists,
 * else `preferred` (when it is a line), else the first line. The list may arrive after the first render.
 */
export function useLineChoice(preferred?: number): [string, (line: string) => void] {
  const [line, setLine] = useState('');
  const ids = lineIds.value;
  const first = preferred !== undefined && ids.includes(preferred) ? preferred : ids[0];
  const chosen = ids.some((l) => String(l) === line) ? line : first !== undefined ? String(first) : '';
  useEffect(() => {
    if (chosen !== line) setLine(chosen);
  }, [chosen, line]);
  return [chosen, setLine];
}
