import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, queryString } from '../api/client';
import { callStatsBySim, type SimCallStats } from '../charts/call-stats';
import type { CallsView } from '../charts/records';
import { Alert } from '../components/alert';
import { ChartFrame } from '../components/chart-frame';
import type { ChartSpec } from '../components/chart-uplot';
import { formatNumber } from '../i18n/format';
import { t } from '../i18n/index';
import { formatPercent, formatSeconds } from './calls-format';

/** The newest records the statistics are computed from (the API's page limit). */
const RECORDS = 1000;

/** ASR and ACD per SIM from the newest call records: a table everyone sees, and a bar chart. */
export function CallsStats({ refresh }: { refresh: number }) {
  const [view, setView] = useState<CallsView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void api<CallsView>('GET', `/calls${queryString({ limit: RECORDS })}`).then((v) => (setView(v), setError(null)), setError);
  }, [refresh]);

  const stats = useMemo(() => (view ? callStatsBySim(view.items) : []), [view]);
  const spec = useMemo((): ChartSpec | null => {
    if (stats.length === 0) return null;
    return {
      categories: stats.map((s) => s.sim),
      data: [stats.map((_s, i) => i), stats.map((s) => (s.asr === null ? null : Math.round(s.asr * 1000) / 10)), stats.map((s) => (s.acdSec === null ? null : Math.round(s.acdSec)))],
      series: [
        { label: t('charts.asrPercent'), colour: '#0b57d0', bars: true, scale: 'y' },
        { label: t('charts.acdSeconds'), colour: '#9a5b00', bars: true, scale: 'y2', dash: [4, 3] },
      ],
      yLabel: t('charts.asrPercent'),
      y2Label: t('charts.acdSeconds'),
      yRange: [0, 100],
    };
  }, [stats]);

  if (error) return <Alert error={error} />;
  if (!view) return null;
  const counted = stats.reduce((a, s) => a + s.attempts, 0);
  const summary = stats.length === 0 ? t('calls.statsNone') : t('calls.statsSummary', { calls: formatNumber(counted), sims: formatNumber(stats.length), records: formatNumber(view.items.length) });
  return (
    <div class="charts" data-charts="calls">
      <h2>{t('calls.statsTitle')}</h2>
      {stats.length > 0 && <StatsTable stats={stats} />}
      <ChartFrame id="calls-asr-acd" title={t('charts.asrAcdTitle')} summary={summary} spec={spec}>
        <p>{t('charts.asrAcdAlt')}</p>
      </ChartFrame>
    </div>
  );
}

function StatsTable({ stats }: { stats: SimCallStats[] }) {
  const L = { sim: t('charts.sim'), attempts: t('calls.stats.attempts'), answered: t('calls.stats.answered'), asr: t('calls.stats.asr'), acd: t('calls.stats.acd') };
  return (
    <div class="table-wrap">
      <table class="data cards" data-table="call-stats">
        <caption class="visually-hidden">{t('calls.statsTitle')}</caption>
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
          {stats.map((s) => (
            <tr key={s.sim} data-sim={s.sim}>
              <th scope="row" data-col="sim" data-label={L.sim}>
                {s.sim}
              </th>
              <td data-col="attempts" data-label={L.attempts}>
                {formatNumber(s.attempts)}
              </td>
              <td data-col="answered" data-label={L.answered}>
                {formatNumber(s.answered)}
              </td>
              <td data-col="asr" data-label={L.asr}>
                {formatPercent(s.asr)}
              </td>
              <td data-col="acd" data-label={L.acd}>
                {formatSeconds(s.acdSec)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
