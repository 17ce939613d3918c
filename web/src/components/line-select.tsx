import { useEffect, useId } from 'preact/hooks';
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
