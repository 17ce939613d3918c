import { lineSignal } from '../api/lines-store';
import type { SimSlotView } from '../charts/records';
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { formatPercent, formatSeconds } from './calls-format';
import { colourLabel, remainingText } from './sims-labels';

export type SlotAction = 'enable' | 'disable' | 'switch';

/** One SIM (line and slot) of the statistics table (manual §3.2.3, SIM info §3.2.4); a card on narrow screens. */
export function SimsRow({ s, bound, selected, onSelect, onAction, busy }: { s: SimSlotView; bound: boolean; selected: boolean; onSelect: (on: boolean) => void; onAction: (a: SlotAction) => void; busy: boolean }) {
  const sim = `${s.line}${s.slot}`;
  const line = bound ? lineSignal(Number(s.line))?.value : undefined;
  const L = {
    sim: t('sims.col.sim'),
    state: t('sims.col.state'),
    info: t('sims.col.info'),
    total: t('sims.col.total'),
    today: t('sims.col.today'),
    remaining: t('sims.col.remaining'),
    consecutive: t('sims.col.consecutive'),
    actions: t('sims.col.actions'),
  };
  const disabled = s.colour === 'red' || s.colour === 'brown' || s.colour === 'orange';
  return (
    <tr data-sim={sim} data-line={s.line} data-slot={s.slot}>
      <th scope="row" data-col="sim" data-label={L.sim}>
        <label class="sim-pick">
          <input type="checkbox" name="sim" value={sim} checked={selected} onChange={(e) => onSelect((e.currentTarget as HTMLInputElement).checked)} />
          <span class="sim-id" data-colour={s.colour}>
            {sim}
          </span>
          <span class="visually-hidden">{t('sims.select', { sim })}</span>
        </label>
      </th>
      <td data-col="state" data-label={L.state}>
        <span class="state sim-colour" data-state={s.colour}>
          {colourLabel(s.colour)}
        </span>
        {s.unusable && <span class="detail">{s.unusable.detail}</span>}
      </td>
      <td data-col="info" data-label={L.info}>
        <div class="sim-info">
          <span data-field="iccid">{t('sims.iccid', { value: s.iccid ?? '—' })}</span>
          {line && (
            <>
              <span data-field="imsi">{t('sims.imsi', { value: line.sim.imsi ?? '—' })}</span>
              <span data-field="number">{t('sims.number', { value: line.sim.number ?? '—' })}</span>
              <span data-field="operator">{t('sims.operator', { value: line.operator ?? '—' })}</span>
            </>
          )}
        </div>
      </td>
      <td data-col="total" data-label={L.total}>
        {t('sims.totalValue', { connected: formatNumber(s.total.connected), calls: formatNumber(s.total.calls), asr: formatPercent(s.total.asr), acd: formatSeconds(s.total.acdSec), minutes: formatNumber(s.total.talkMinutes) })}
      </td>
      <td data-col="today" data-label={L.today}>
        {t('sims.todayValue', { calls: formatNumber(s.today.calls), minutes: formatNumber(s.today.billedMinutes), sms: formatNumber(s.today.sms) })}
      </td>
      <td data-col="remaining" data-label={L.remaining}>
        {t('sims.remainingValue', { minutes: remainingText(s.remaining.callMinutes), calls: remainingText(s.remaining.callCount), sms: remainingText(s.remaining.smsCount) })}
      </td>
      <td data-col="consecutive" data-label={L.consecutive}>
        {t('sims.consecutiveValue', { noAnswer: formatNumber(s.consecutive.noAnswer), noRinging: formatNumber(s.consecutive.noRinging), short: formatNumber(s.consecutive.short), failed: formatNumber(s.consecutive.failed) })}
      </td>
      <td data-col="actions" data-label={L.actions} class="actions">
        {disabled ? (
          <button type="button" data-action="enable" disabled={busy} onClick={() => onAction('enable')}>
            {t('sims.enable')}
            <span class="visually-hidden"> {sim}</span>
          </button>
        ) : (
          <button type="button" data-action="disable" disabled={busy || s.colour === 'grey'} onClick={() => onAction('disable')}>
            {t('sims.disable')}
            <span class="visually-hidden"> {sim}</span>
          </button>
        )}
        {!bound && s.colour !== 'grey' && !disabled && (
          <button type="button" data-action="switch" disabled={busy} onClick={() => onAction('switch')}>
            {t('sims.switch')}
            <span class="visually-hidden"> {sim}</span>
          </button>
        )}
      </td>
    </tr>
  );
}
