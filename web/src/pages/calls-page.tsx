import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, queryString } from '../api/client';
import { onEvent } from '../api/events';
import type { CallRecord, CallsView } from '../charts/records';
import { Alert } from '../components/alert';
import { Pager } from '../components/pager';
import { t } from '../i18n/index';
import { CallsStats } from './calls-stats';
import { CallsTable } from './calls-table';

const PAGE_SIZE = 20;
const EVENT_REFRESH_MS = 1000;

function isCall(v: unknown): v is CallRecord {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && typeof (v as { active?: unknown }).active === 'boolean';
}

/**
 * Calls and CDRs (manual §5): the calls in progress, kept current by `call` events, then the
 * recorded calls newest first with paging, and ASR/ACD per SIM computed from the records.
 */
export default function CallsPage() {
  const [active, setActive] = useState<ReadonlyMap<string, CallRecord>>(new Map());
  const [page, setPage] = useState<CallsView | null>(null);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [ended, setEnded] = useState(0);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const v = await api<CallsView>('GET', `/calls${queryString({ limit: PAGE_SIZE, offset })}`);
      if (mine !== seq.current) return;
      setPage(v);
      setActive(new Map(v.active.map((c) => [c.id, c])));
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  }, [offset]);

  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void load(), setEnded((n) => n + 1)), EVENT_REFRESH_MS);
    };
    const offCall = onEvent('call', (d) => {
      if (!isCall(d)) return;
      setActive((prev) => {
        const next = new Map(prev);
        if (d.active) next.set(d.id, d);
        else next.delete(d.id);
        return next;
      });
      if (!d.active) soon();
    });
    const offOpen = onEvent('open', soon);
    return () => (clearTimeout(timer), offCall(), offOpen());
  }, [load]);

  const live = [...active.values()];
  return (
    <section aria-labelledby="calls-title">
      <h1 id="calls-title">{t('calls.title')}</h1>
      <Alert error={error} />
      <h2 id="calls-active">{t('calls.active')}</h2>
      <div aria-live="polite" aria-labelledby="calls-active" data-calls-active={live.length}>
        {live.length === 0 ? <p>{t('calls.noActive')}</p> : <CallsTable calls={live} table="calls-active" caption={t('calls.active')} />}
      </div>
      <h2>{t('calls.records')}</h2>
      {page && page.items.length === 0 && <p>{t('calls.noRecords')}</p>}
      {page && page.items.length > 0 && <CallsTable calls={page.items} table="calls" caption={t('calls.records')} />}
      {page && <Pager total={page.total} offset={offset} size={PAGE_SIZE} onOffset={setOffset} />}
      <CallsStats refresh={ended} />
    </section>
  );
}
