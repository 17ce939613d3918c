import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert } from '../components/alert';
import { LineSelect, useLineChoice } from '../components/line-select';
import { t } from '../i18n/index';
import type { OwnNumberStatus } from './own-number-page';

/** "Set by hand": the number of the SIM in a line (PUT /api/sims/:iccid/number; method `manual`, never overwritten). */
export function OwnNumberManualForm({ rows, onSaved }: { rows: Record<number, OwnNumberStatus>; onSaved: (line: number) => void }) {
  const [line, setLine] = useLineChoice();
  const [saved, setSaved] = useState<{ line: number; number: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const id = Number(d.get('line') ?? '');
    const iccid = rows[id]?.iccid;
    setSaved(null);
    setError(null);
    if (!iccid) {
      setError(t('ownnumber.noSim', { line: id }));
      return;
    }
    setBusy(true);
    try {
      const st = await api<OwnNumberStatus>('PUT', `/sims/${encodeURIComponent(iccid)}/number`, { number: String(d.get('number') ?? '').trim() });
      setSaved({ line: id, number: st.number ?? '' });
      onSaved(id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2 id="ownnumber-manual-title">{t('ownnumber.manualTitle')}</h2>
      <form data-form="own-number" class="form" onSubmit={submit} aria-labelledby="ownnumber-manual-title">
        <LineSelect value={line} onChange={setLine} />
        <div class="field">
          <label for="ownnumber-number">{t('ownnumber.number')}</label>
          <input id="ownnumber-number" name="number" required pattern="\+?[0-9]{3,20}" inputMode="tel" autocomplete="off" aria-describedby="ownnumber-number-hint" />
          <span id="ownnumber-number-hint" class="hint">
            {t('ownnumber.numberHint')}
          </span>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('ownnumber.save')}
        </button>
      </form>
      <Alert error={error} />
      {saved && (
        <p role="status" data-result="saved">
          {t('ownnumber.saved', { line: saved.line, number: saved.number })}
        </p>
      )}
    </>
  );
}
