import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { onEvent } from '../api/events';
import { refreshLines } from '../api/lines-store';
import type { SimsFullView, SimSlotView } from '../charts/records';
import { Alert } from '../components/alert';
import { t } from '../i18n/index';
import { SimsResetBar, type ResetRequest } from './sims-reset';
import { SimsRow, type SlotAction } from './sims-row';
import { SimsUsageCharts } from './sims-usage-charts';

const REFRESH_MS = 30_000;
const EVENT_REFRESH_MS = 2000;

/**
 * SIM statistics and SIM info (manual §3.2.3, §3.2.4): one row per line and slot with its colour
 * and its label, totals, today, remaining and consecutive counters; resets with a confirm step;
 * slot enable/disable and forced switch. Re-read when a call ends or a line changes.
 */
export default function SimsPage() {
  const [view, setView] = useState<SimsFullView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const v = await api<SimsFullView>('GET', '/sims');
      if (mine === seq.current) (setView(v), setError(null));
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
    void refreshLines();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void load()), EVENT_REFRESH_MS);
    };
    const offCall = onEvent('call', (d) => {
      if ((d as { active?: unknown }).active === false) soon();
    });
    const offLine = onEvent('line', soon);
    const offOpen = onEvent('open', soon);
    const every = setInterval(() => void load(), REFRESH_MS);
    return () => (clearTimeout(timer), clearInterval(every), offCall(), offLine(), offOpen());
  }, [load]);

  async function run(what: string, f: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await f();
      setDone(what);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await load();
    }
  }

  function slotAction(s: SimSlotView, a: SlotAction) {
    const base = `/lines/${encodeURIComponent(s.line)}`;
    const sim = `${s.line}${s.slot}`;
    if (a === 'switch') return run(t('sims.switched', { sim }), () => api('POST', `${base}/switch`, { slot: s.slot }));
    return run(a === 'enable' ? t('sims.enabled', { sim }) : t('sims.disabled', { sim }), () => api('POST', `${base}/slots/${s.slot}/${a}`, {}));
  }

  function reset(r: ResetRequest) {
    const names = r.sims.map((s) => `${s.line}${s.slot}`).join(', ');
    const label = r.what === 'cdr' ? t('sims.resetCdrDone', { sims: names }) : t('sims.resetRemainingDone', { sims: names });
    return run(label, async () => {
      const byLine = new Map<number, string[]>();
      for (const s of r.sims) byLine.set(Number(s.line), [...(byLine.get(Number(s.line)) ?? []), s.slot]);
      for (const [line, slots] of byLine) await api('POST', '/sims/reset', { line, slots, what: r.what });
      setSelected(new Set());
    });
  }

  const all = view ? view.lines.flatMap((l) => l.slots) : [];
  const toggle = (sim: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(sim);
    else next.delete(sim);
    setSelected(next);
  };
  const col = [t('sims.col.sim'), t('sims.col.state'), t('sims.col.info'), t('sims.col.total'), t('sims.col.today'), t('sims.col.remaining'), t('sims.col.consecutive'), t('sims.col.actions')];
  return (
    <section aria-labelledby="sims-title">
      <h1 id="sims-title">{t('sims.title')}</h1>
      {view && !view.timeTrusted && <p class="notice">{t('sims.clockUntrusted', { source: view.timeSource })}</p>}
      <Alert error={error} />
      {done && (
        <p class="success" role="status" data-done>
          {done}
        </p>
      )}
      {view && (
        <>
          <SimsResetBar view={view} selected={selected} busy={busy} onReset={reset} onSelectAll={(on) => setSelected(on ? new Set(all.map((s) => `${s.line}${s.slot}`)) : new Set())} />
          <div class="table-wrap">
            <table class="data cards" data-table="sims">
              <caption class="visually-hidden">{t('sims.caption')}</caption>
              <thead>
                <tr>
                  {col.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              {view.lines.map((l) => (
                <tbody key={l.line} data-line-group={l.line}>
                  {l.slots.map((s) => (
                    <SimsRow key={s.slot} s={s} bound={l.bound === s.slot} selected={selected.has(`${s.line}${s.slot}`)} onSelect={(on) => toggle(`${s.line}${s.slot}`, on)} onAction={(a) => void slotAction(s, a)} busy={busy} />
                  ))}
                </tbody>
              ))}
            </table>
          </div>
          <SimsUsageCharts view={view} />
        </>
      )}
    </section>
  );
}
