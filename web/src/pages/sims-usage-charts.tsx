import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, queryString } from '../api/client';
import { simKey } from '../charts/call-stats';
import { cumulativeOverDay, limitLevel, localDayStart, minuteEvents, smsEvents, type UsageEvent } from '../charts/day-series';
import type { CallsView, Remaining, SimsFullView, SimSlotView } from '../charts/records';
import { ChartFrame } from '../components/chart-frame';
import type { ChartSeries, ChartSpec } from '../components/chart-uplot';
import { formatNumber } from '../i18n/format';
import { lang, t } from '../i18n/index';
import { remainingText } from './sims-labels';

/** Distinct hues; each SIM's limit is the same hue dashed, and the legend names both. */
export const PALETTE = ['#0b57d0', '#b3261e', '#1e7a34', '#9a5b00', '#6d3fc0', '#00838f', '#c2185b', '#4e5d6c'];
const MAX_SERIES = PALETTE.length;
const RECORDS = 1000;

interface OutboxItem {
  line: number | null;
  slot: string | null;
  status: string;
  parts: number;
  createdAt: string | null;
}

/**
 * Per-SIM minutes and SMS over today against their limits. Data: the call records (GET /api/calls,
 * the newest 1000: charged minutes of outgoing calls by end time), the outbox (GET /api/sms/outbox
 * since local midnight: sent and delivered parts by creation time), and GET /api/sims for today's
 * totals and what remains; a SIM's limit level is what it used today plus what remains.
 */
export function SimsUsageCharts({ view }: { view: SimsFullView }) {
  const [calls, setCalls] = useState<CallsView | null>(null);
  const [sms, setSms] = useState<OutboxItem[] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const dayStart = localDayStart(Date.now());
    setNow(Date.now());
    void api<CallsView>('GET', `/calls${queryString({ limit: RECORDS })}`).then(setCalls, () => setCalls(null));
    void api<{ items: OutboxItem[] }>('GET', `/sms/outbox${queryString({ from: new Date(dayStart).toISOString(), limit: RECORDS })}`).then((p) => setSms(p.items), () => setSms(null));
  }, [view]);

  const slots = useMemo(() => view.lines.flatMap((l) => l.slots), [view]);
  return (
    <div class="charts" data-charts="sims">
      <h2>{t('charts.usageTitle')}</h2>
      <UsageChart id="sims-minutes" kind="minutes" slots={slots} events={calls ? minuteEvents(calls.items) : null} now={now} />
      <UsageChart id="sims-sms" kind="sms" slots={slots} events={sms ? smsEvents(sms) : null} now={now} />
    </div>
  );
}

function UsageChart({ id, kind, slots, events, now }: { id: string; kind: 'minutes' | 'sms'; slots: SimSlotView[]; events: UsageEvent[] | null; now: number }) {
  const used = (s: SimSlotView) => (kind === 'minutes' ? s.today.billedMinutes : s.today.sms);
  const remaining = (s: SimSlotView): Remaining => (kind === 'minutes' ? s.remaining.callMinutes : s.remaining.smsCount);
  const rows = slots.filter((s) => used(s) > 0 || limitLevel(used(s), remaining(s)) !== null);
  const spec = useMemo((): ChartSpec | null => {
    if (!events) return null;
    const day = cumulativeOverDay(events, localDayStart(now), now);
    const shown = slots.filter((s) => day.bySim.has(simKey(Number(s.line), s.slot))).slice(0, MAX_SERIES);
    if (shown.length === 0) return null;
    const series: ChartSeries[] = [];
    const data: Array<Array<number | null>> = [day.xs];
    shown.forEach((s, i) => {
      const sim = `${s.line}${s.slot}`;
      series.push({ label: sim, colour: PALETTE[i]! });
      data.push(day.bySim.get(simKey(Number(s.line), s.slot))!);
      const level = limitLevel(used(s), remaining(s));
      if (level !== null) {
        series.push({ label: t('charts.limitOf', { sim }), colour: PALETTE[i]!, dash: [6, 4] });
        data.push(day.xs.map(() => level));
      }
    });
    return { data, series, yLabel: kind === 'minutes' ? t('charts.minutes') : t('charts.sms'), locale: lang.value };
  }, [events, now, slots, lang.value]);

  const total = rows.reduce((a, s) => a + used(s), 0);
  const title = kind === 'minutes' ? t('charts.minutesTitle') : t('charts.smsTitle');
  const summary =
    rows.length === 0
      ? t('charts.usageNone')
      : kind === 'minutes'
        ? t('charts.minutesSummary', { total: formatNumber(total), sims: formatNumber(rows.filter((s) => used(s) > 0).length) })
        : t('charts.smsSummary', { total: formatNumber(total), sims: formatNumber(rows.filter((s) => used(s) > 0).length) });
  return (
    <ChartFrame id={id} title={title} summary={summary} spec={spec}>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.sim')}</th>
            <th scope="col">{t('charts.usedToday')}</th>
            <th scope="col">{t('charts.limit')}</th>
            <th scope="col">{t('charts.remaining')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const level = limitLevel(used(s), remaining(s));
            return (
              <tr key={`${s.line}${s.slot}`}>
                <th scope="row">{`${s.line}${s.slot}`}</th>
                <td>{formatNumber(used(s))}</td>
                <td>{level === null ? t('sims.noLimit') : formatNumber(level)}</td>
                <td>{remainingText(remaining(s))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ChartFrame>
  );
}
