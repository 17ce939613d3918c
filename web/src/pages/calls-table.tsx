import type { CallRecord } from '../charts/records';
import { formatDateTime } from '../i18n/format';
import { t } from '../i18n/index';
import { callStateLabel } from '../labels';
import { directionLabel, formatSeconds, outcomeLabel } from './calls-format';

/** Calls as a table (cards on narrow screens): one row `[data-call-id]` per call, in progress or recorded. */
export function CallsTable({ calls, table, caption }: { calls: readonly CallRecord[]; table: string; caption: string }) {
  const L = {
    time: t('calls.col.time'),
    line: t('calls.col.line'),
    direction: t('calls.col.direction'),
    number: t('calls.col.number'),
    state: t('calls.col.state'),
    duration: t('calls.col.duration'),
    cause: t('calls.col.cause'),
  };
  return (
    <div class="table-wrap">
      <table class="data cards" data-table={table}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {Object.values(L).map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => {
            const state = c.active ? (c.state ?? 'DIALING') : (c.outcome ?? 'unknown');
            return (
              <tr key={c.id} data-call-id={c.id} data-active={c.active ? 'true' : 'false'}>
                <td data-col="time" data-label={L.time}>
                  {formatDateTime(c.setupAt)}
                </td>
                <td data-col="line" data-label={L.line}>
                  {`${c.line}${c.slot ?? ''}`}
                </td>
                <td data-col="direction" data-label={L.direction}>
                  {directionLabel(c.direction)}
                  {c.origin && <span class="detail">{c.origin}</span>}
                </td>
                <td data-col="number" data-label={L.number}>
                  {c.number ?? '—'}
                </td>
                <td data-col="state" data-label={L.state}>
                  <span class="state call-outcome" data-state={state}>
                    {c.active ? callStateLabel(state) : outcomeLabel(c.outcome)}
                  </span>
                </td>
                <td data-col="duration" data-label={L.duration}>
                  {c.active ? '—' : formatSeconds(c.durationSec)}
                  {!c.active && c.billedSec !== null && c.billedSec > 0 && <span class="detail">{t('calls.billed', { value: formatSeconds(c.billedSec) })}</span>}
                </td>
                <td data-col="cause" data-label={L.cause}>
                  {c.cause ?? '—'}
                  {c.causes && (c.causes.gsm ?? c.causes.gateway ?? c.causes.voip) && <span class="detail">{[c.causes.gsm, c.causes.voip, c.causes.gateway].filter(Boolean).join(' · ')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
