import { lineSignal } from '../api/lines-store';
import { smsCounts, smsCountsAvailable } from '../api/sms-counts';
import { SignalBars } from '../components/signal-bars';
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { callStateLabel, healthLabel, simStateLabel, voipStateLabel } from '../labels';
import { STATUS_COLUMNS } from './status-columns';

const label = (col: string) => STATUS_COLUMNS.find((c) => c.col === col)!.label();

/** One line of the status table (a card on narrow screens); re-renders only when its line changes. */
export function StatusRow({ id }: { id: number }) {
  const line = lineSignal(id)?.value;
  if (!line) return null;
  const registered = line.reg !== 'N';
  const simState = line.sim.state;
  const count = smsCounts.value.get(line.id);
  return (
    <tr data-line={line.id} data-health={line.health} class={line.enabled ? undefined : 'line-off'}>
      <th scope="row" data-col="id" data-label={label('id')}>
        {line.id}
        {!line.enabled && <span class="tag off">{t('status.lineOff')}</span>}
      </th>
      <td data-col="slot" data-label={label('slot')}>
        {line.slot ?? 'N'}
      </td>
      <td data-col="sim" data-label={label('sim')}>
        <span class="state sim-state" data-state={simState ?? 'none'}>
          {simStateLabel(simState)}
        </span>
      </td>
      <td data-col="operator" data-label={label('operator')}>
        {line.operator ?? '—'}
      </td>
      <td data-col="network" data-label={label('network')}>
        {registered ? line.reg : '—'}
        {registered && line.volte === true && <span class="tag">VoLTE</span>}
      </td>
      <td data-col="signal" data-label={label('signal')}>
        <SignalBars csq={line.signal} dbm={line.signalDbm} />
      </td>
      <td data-col="registration" data-label={label('registration')}>
        <span class="state" data-state={registered ? 'registered' : line.health}>
          {registered ? t('status.registered', { rat: line.reg }) : healthLabel(line.health)}
        </span>
        {line.health !== 'ok' && line.detail && <span class="detail">{line.detail}</span>}
      </td>
      <td data-col="voip" data-label={label('voip')}>
        <span class="state" data-state={line.voip?.state ?? 'none'}>
          {voipStateLabel(line.voip?.state)}
        </span>
      </td>
      <td data-col="call" data-label={label('call')}>
        <span class="state" data-state={line.callState}>
          {callStateLabel(line.callState)}
        </span>
        {line.callNumber && <span class="detail">{line.callNumber}</span>}
      </td>
      <td data-col="sms" data-label={label('sms')}>
        {smsCountsAvailable.value && count
          ? t('status.smsCount', { sent: formatNumber(count.sent), failed: formatNumber(count.failed) })
          : '—'}
      </td>
    </tr>
  );
}
