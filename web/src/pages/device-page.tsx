import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { LineStatus } from '../api/types';
import type { DeviceStatus } from '../../../src/line/types.js';
import type { NetworkInterfaceView as NetworkInterface } from '../../../src/system/network-view.js';
import { lineIds, lineSignal, refreshLines } from '../api/lines-store';
import { Alert } from '../components/alert';
import { CardTable, type CardColumn } from '../components/card-table';
import { SignalBars } from '../components/signal-bars';
import { formatDateTime, formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { formatDuration } from './calls-format';
import { DeviceSignalChart } from './device-signal-chart';

/** The host's interfaces (shown, not configured: addressing is the operating system's). */
function networkColumns(): CardColumn<NetworkInterface>[] {
  return [
    { col: 'interface', label: t('device.net.interface'), rowHeader: true, cell: (n) => n.name },
    {
      col: 'addresses',
      label: t('device.net.addresses'),
      // One block of one address per line (a card's cell lays its children out in a row).
      cell: (n) => (
        <span class="addresses">
          {n.addresses.map((a, i) => (
            <span key={i}>{a.cidr}</span>
          ))}
        </span>
      ),
    },
    { col: 'mac', label: t('device.net.mac'), cell: (n) => n.mac ?? '—' },
  ];
}

const REFRESH_MS = 30_000;

/** The line modules table: one card per line, with the button that shows its signal chart below. */
function moduleColumns(shown: number | null, showChart: (id: number) => void): CardColumn<LineStatus>[] {
  return [
    { col: 'id', label: t('device.col.line'), rowHeader: true, cell: (m) => m.id },
    { col: 'name', label: t('device.col.name'), cell: (m) => m.name },
    { col: 'operator', label: t('device.col.operator'), cell: (m) => m.operator ?? '—' },
    { col: 'network', label: t('device.col.network'), cell: (m) => (m.reg === 'N' ? '—' : m.reg) },
    { col: 'signal', label: t('device.col.signal'), cell: (m) => <SignalBars csq={m.signal} dbm={m.signalDbm} /> },
    {
      col: 'chart',
      label: t('device.col.chart'),
      cell: (m) => (
        <button type="button" data-action="show-signal" aria-pressed={shown === m.id} onClick={() => showChart(m.id)}>
          {t('device.showSignal', { line: m.id })}
        </button>
      ),
    },
  ];
}

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
  const modules = ids.flatMap((id) => lineSignal(id)?.value ?? []);
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
      {device && (
        <>
          <h2>{t('device.net.title')}</h2>
          <p class="hint">{t('device.net.about')}</p>
          {device.network.length === 0 ? <p>{t('device.net.none')}</p> : <CardTable name="device-network" caption={t('device.net.caption')} columns={networkColumns()} rows={device.network} rowKey={(n) => n.name} rowAttrs={(n) => ({ 'data-interface': n.name })} />}
        </>
      )}
      {ids.length > 0 && (
        <>
          <h2>{t('device.modules')}</h2>
          <CardTable name="device-lines" caption={t('device.modulesCaption')} columns={moduleColumns(shown, setChartLine)} rows={modules} rowKey={(m) => m.id} rowAttrs={(m) => ({ 'data-line': m.id })} />
        </>
      )}
      {shown !== null && <DeviceSignalChart line={shown} />}
    </section>
  );
}
