import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { SimsFullView, SimSlotView } from '../charts/records';
import { t } from '../i18n/index';

export interface ResetRequest {
  what: 'cdr' | 'remaining';
  sims: SimSlotView[];
}

/**
 * The manual's reset of "total CDR statistics" or "remaining statistics" (§3.2.3), for the SIMs
 * ticked in the table, one line, or all; nothing happens until the operator confirms what will be reset.
 */
export function SimsResetBar({ view, selected, busy, onReset, onSelectAll }: { view: SimsFullView; selected: ReadonlySet<string>; busy: boolean; onReset: (r: ResetRequest) => void; onSelectAll: (on: boolean) => void }) {
  const [scope, setScope] = useState('selected');
  const [pending, setPending] = useState<ResetRequest | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const scopeId = useId();
  const all = view.lines.flatMap((l) => l.slots);
  const everyChecked = all.length > 0 && all.every((s) => selected.has(`${s.line}${s.slot}`));

  useEffect(() => {
    if (pending) confirmRef.current?.focus();
  }, [pending]);

  function sims(): SimSlotView[] {
    if (scope === 'all') return all;
    if (scope.startsWith('line:')) return all.filter((s) => s.line === scope.slice(5));
    return all.filter((s) => selected.has(`${s.line}${s.slot}`));
  }

  const chosen = sims();
  const ask = (what: ResetRequest['what']) => setPending({ what, sims: chosen });
  return (
    <div class="reset-bar" data-reset>
      <label class="inline-check">
        <input type="checkbox" name="select-all" checked={everyChecked} onChange={(e) => onSelectAll((e.currentTarget as HTMLInputElement).checked)} />
        {t('sims.selectAll')}
      </label>
      <div class="field">
        <label for={scopeId}>{t('sims.resetScope')}</label>
        <select id={scopeId} name="reset-scope" value={scope} onChange={(e) => (setScope((e.currentTarget as HTMLSelectElement).value), setPending(null))}>
          <option value="selected">{t('sims.scopeSelected', { count: selected.size })}</option>
          {view.lines.map((l) => (
            <option key={l.line} value={`line:${l.line}`}>
              {t('sims.scopeLine', { line: l.line })}
            </option>
          ))}
          <option value="all">{t('sims.scopeAll')}</option>
        </select>
      </div>
      <button type="button" data-action="reset-cdr" disabled={busy || chosen.length === 0} onClick={() => ask('cdr')}>
        {t('sims.resetCdr')}
      </button>
      <button type="button" data-action="reset-remaining" disabled={busy || chosen.length === 0} onClick={() => ask('remaining')}>
        {t('sims.resetRemaining')}
      </button>
      {pending && (
        <div class="confirm" role="group" aria-labelledby="sims-confirm-text" data-confirm={pending.what}>
          <p id="sims-confirm-text">
            {pending.what === 'cdr'
              ? t('sims.confirmCdr', { sims: pending.sims.map((s) => `${s.line}${s.slot}`).join(', ') })
              : t('sims.confirmRemaining', { sims: pending.sims.map((s) => `${s.line}${s.slot}`).join(', ') })}
          </p>
          <button type="button" class="primary" ref={confirmRef} data-action="confirm" disabled={busy} onClick={() => (onReset(pending), setPending(null))}>
            {t('sims.confirm')}
          </button>
          <button type="button" data-action="cancel" onClick={() => setPending(null)}>
            {t('sims.cancel')}
          </button>
        </div>
      )}
    </div>
  );
}
