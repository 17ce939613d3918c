import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import { Alert } from '../components/alert';
import { ChartFrame } from '../components/chart-frame';
import type { SignalHistory } from '../charts/records';
import { hourlyMeans, signalSeries, signalSummary } from '../charts/signal-series';
import { formatDbm, formatNumber } from '../i18n/format';
import { lang, t } from '../i18n/index';
import { formatTime } from './calls-format';

const REFRESH_MS = 60_000;

/** One line's signal over the last 24 h (GET /api/lines/:id/signal), with an hourly table for screen readers. */
export function DeviceSignalChart({ line }: { line: number }) {
  const [history, setHistory] = useState<SignalHistory | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let gone = false;
    const load = () =>
      api<SignalHistory>('GET', `/lines/${line}/signal?hours=24`)
        .then((h) => !gone && (setHistory(h), setError(null)))
        .catch((e) => !gone && setError(e));
    setHistory(null);
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => ((gone = true), clearInterval(timer));
  }, [line]);

  const spec = useMemo(() => {
    if (!history || history.samples.length === 0) return null;
    const [xs, ys] = signalSeries(history.samples, history.stepSec);
    return { data: [xs, ys], series: [{ label: t('charts.signalSeries'), colour: '#0b57d0' }], yLabel: 'dBm', yRange: [-115, -50] as [number, number], locale: lang.value };
  }, [history, lang.value]);

  if (error) return <Alert error={error} />;
  if (!history) return null;
  const s = signalSummary(history.samples);
  const summary =
    s.known === 0
      ? t('charts.signalNone', { line })
      : t('charts.signalSummary', { line, last: formatDbm(s.last!), min: formatDbm(s.min!), max: formatDbm(s.max!), mean: formatDbm(s.mean!), count: formatNumber(s.known) });
  return (
    <ChartFrame id={`signal-${line}`} title={t('charts.signalTitle', { line })} summary={summary} spec={spec}>
      <table>
        <caption>{t('charts.signalTable', { line })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.hour')}</th>
            <th scope="col">{t('charts.meanDbm')}</th>
          </tr>
        </thead>
        <tbody>
          {hourlyMeans(history.samples).map((h) => (
            <tr key={h.t}>
              <th scope="row">{formatTime(h.t)}</th>
              <td>{formatDbm(h.dbm)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ChartFrame>
  );
}
