import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { lineIds, lineSignal, linesLoaded, refreshLines } from '../api/lines-store';
import { Alert } from '../components/alert';
import { LineSelect, useLineChoice } from '../components/line-select';
import { t } from '../i18n/index';

type Mode = 'pin' | 'puk';

/** The card states that wait for a code (TS 27.007 §8.3 +CPIN). */
const LOCKED = new Set(['SIM PIN', 'SIM PUK']);

/** Manual §5 PIN/PUK: enter a locked card's PIN, or its PUK and a new PIN (admin only). */
export default function UnlockPage() {
  const [mode, setMode] = useState<Mode>('pin');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ line: number; state: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!linesLoaded.value) void refreshLines();
  }, []);
  const ids = lineIds.value;
  const locked = ids.map((id) => lineSignal(id)?.value).filter((l) => l && l.sim.state !== null && LOCKED.has(l.sim.state));

  // The select starts on the first card waiting for a code, else the first line.
  const [line, setLine] = useLineChoice(locked[0]?.id);

  async function submit(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const id = String(d.get('line') ?? line);
    const body = mode === 'pin' ? { pin: String(d.get('pin') ?? '') } : { puk: String(d.get('puk') ?? ''), newPin: String(d.get('newPin') ?? '') };
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await api<{ line: number; state: string }>('POST', `/lines/${encodeURIComponent(id)}/unlock`, body);
      setDone(r);
      form.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t('unlock.title')}</h1>
      <p>{t('unlock.hint')}</p>
      <h2>{t('unlock.lockedTitle')}</h2>
      {locked.length === 0 ? (
        <p data-unlock-locked="none">{t('unlock.noneLocked')}</p>
      ) : (
        <ul>
          {locked.map((l) => (
            <li key={l!.id} data-unlock-locked={l!.id}>
              {t('unlock.lockedLine', { line: l!.id, state: l!.sim.state ?? '' })}
            </li>
          ))}
        </ul>
      )}
      <form data-form="unlock" class="form" onSubmit={submit}>
        <LineSelect value={line} onChange={setLine} />
        <fieldset>
          <legend>{t('unlock.codeKind')}</legend>
          <label>
            <input type="radio" name="mode" value="pin" checked={mode === 'pin'} onChange={() => setMode('pin')} /> {t('unlock.modePin')}
          </label>{' '}
          <label>
            <input type="radio" name="mode" value="puk" checked={mode === 'puk'} onChange={() => setMode('puk')} /> {t('unlock.modePuk')}
          </label>
        </fieldset>
        {mode === 'pin' ? (
          <div class="field">
            <label for="unlock-pin">{t('unlock.pin')}</label>
            <input id="unlock-pin" name="pin" type="password" inputMode="numeric" autocomplete="off" required pattern="\d{4,8}" aria-describedby="unlock-pin-hint" />
            <span id="unlock-pin-hint" class="hint">
              {t('unlock.pinRule')}
            </span>
          </div>
        ) : (
          <>
            <div class="field">
              <label for="unlock-puk">{t('unlock.puk')}</label>
              <input id="unlock-puk" name="puk" type="password" inputMode="numeric" autocomplete="off" required pattern="\d{8}" aria-describedby="unlock-puk-hint" />
              <span id="unlock-puk-hint" class="hint">
                {t('unlock.pukRule')}
              </span>
            </div>
            <div class="field">
              <label for="unlock-new-pin">{t('unlock.newPin')}</label>
              <input id="unlock-new-pin" name="newPin" type="password" inputMode="numeric" autocomplete="off" required pattern="\d{4,8}" />
            </div>
          </>
        )}
        <p class="hint">{t('unlock.triesWarning')}</p>
        <Alert error={error} />
        {done && (
          <p class="success" role="status" data-unlocked={done.line}>
            {t('unlock.done', { line: done.line, state: done.state })}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('unlock.submit')}
        </button>
      </form>
    </section>
  );
}
