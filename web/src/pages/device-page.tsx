import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { lineIds, lineSignal, refreshLines } from '../api/lines-store';
import { Alert } from '../components/alert';
import { SignalBars } from '../components/signal-bars';
import { formatDateTime, formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { formatDuration } from './calls-format';
import { DeviceSignalChart } from './device-signal-chart';

interface DeviceStatus {
  name: string;
  version: string;
  uptime: number;
  startedAt: string;
  time: string;
  timezone: string;
  mode: 'hardware' | 'demo';
  lines: { total: number; registered: number };
  node: string;
  platform: string;
  lastLogin: string | null;
}

const REFRESH_MS = 30_000;

/** Device status (manual §3.2.2): name, version, time, mode, line modules, and each line's signal over 24 h. */
export default function DevicePage() {
  const [device, setDevice] = useState<DeviceStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chartLine, setChartLine] = useState<number | null>(null);

  useEffect(() => {
    const load = () =>
      api<DeviceStatus>('GET', '/device')
        .then((d) => (setDevice(d), setError(null)))
        .catch(setError);
    void load();
    void refreshLines();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const ids = lineIds.value;
  const shown = chartLine ?? ids[0] ?? null;
  const rows: Array<[string, string, string]> = device
    ? [
        ['name', t('device.name'), device.name],
        ['version', t('device.version'), device.version],
        ['mode', t('device.mode'), device.mode === 'demo' ? t('device.modeDemo') : t('device.modeHardware')],
        ['time', t('device.time'), formatDateTime(device.time)],
        ['timezone', t('device.timezone'), device.timezone],
        ['uptime', t('device.uptime'), formatDuration(device.uptime)],
        ['startedAt', t('device.startedAt'), formatDateTime(device.startedAt)],
        ['lines', t('device.lines'), t('device.linesValue', { registered: formatNumber(device.lines.registered), total: formatNumber(device.lines.total) })],
        ['platform', t('device.platform'), `${device.platform} · Node.js ${device.node}`],
        ['lastLogin', t('device.lastLogin'), formatDateTime(device.lastLogin)],
      ]
    : [];
  return (
    <section aria-labelledby="device-title">
      <h1 id="device-title">{t('device.title')}</h1>
      <Alert error={error} />
      {device && (
        <dl class="facts" data-device>
          {rows.map(([key, label, value]) => (
            <div key={key} data-col={key}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {ids.length > 0 && (
        <>
          <h2>{t('device.modules')}</h2>
          <div class="table-wrap">
            <table class="data cards" data-table="device-lines">
              <caption class="visually-hidden">{t('device.modulesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('device.col.line')}</th>
                  <th scope="col">{t('device.col.name')}</th>
                  <th scope="col">{t('device.col.operator')}</th>
                  <th scope="col">{t('device.col.network')}</th>
                  <th scope="col">{t('device.col.signal')}</th>
                  <th scope="col">{t('device.col.chart')}</th>
                </tr>
              </thead>
              <tbody>
                {ids.map((id) => {
                  const l = lineSignal(id)?.value;
                  if (!l) return null;
                  return (
                    <tr key={id} data-line={id}>
                      <th scope="row" data-col="id" data-label={t('device.col.line')}>
                        {id}
                      </th>
                      <td data-col="name" data-label={t('device.col.name')}>
                        {l.name}
                      </td>
                      <td data-col="operator" data-label={t('device.col.operator')}>
                        {l.operator ?? '—'}
                      </td>
                      <td data-col="network" data-label={t('device.col.network')}>
                        {l.reg === 'N' ? '—' : l.reg}
                      </td>
                      <td data-col="signal" data-label={t('device.col.signal')}>
                        <SignalBars csq={l.signal} dbm={l.signalDbm} />
                      </td>
                      <td data-col="chart" data-label={t('device.col.chart')}>
                        <button type="button" data-action="show-signal" aria-pressed={shown === id} onClick={() => setChartLine(id)}>
                          {t('device.showSignal', { line: id })}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {shown !== null && <DeviceSignalChart line={shown} />}
    </section>
  );
}
