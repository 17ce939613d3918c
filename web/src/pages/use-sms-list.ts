import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, queryString } from '../api/client';
import { onEvent } from '../api/events';
import type { Page } from '../api/types';
import type { SmsFilter } from './sms-filters';

export const PAGE_SIZE = 20;
const EVENT_REFRESH_MS = 1000;

/**
 * One page of the inbox or outbox for a filter; re-read when an `sms` event of that direction
 * arrives (at most once a second) and after the live stream reconnects.
 */
export function useSmsList<T>(box: 'inbox' | 'outbox', filter: SmsFilter, offset: number) {
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const q = queryString({ line: filter.line, number: filter.number, text: filter.text, status: box === 'outbox' ? filter.status : undefined, limit: PAGE_SIZE, offset });
      const p = await api<Page<T>>('GET', `/sms/${box}${q}`);
      if (mine === seq.current) {
        setPage(p);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  }, [box, filter, offset]);

  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void load()), EVENT_REFRESH_MS);
    };
    const offSms = onEvent('sms', (d) => {
      const dir = (d as { direction?: string }).direction;
      if (dir === undefined || dir === (box === 'inbox' ? 'in' : 'out')) soon();
    });
    const offOpen = onEvent('open', soon);
    return () => {
      clearTimeout(timer);
      offSms();
      offOpen();
    };
  }, [load]);

  return { page, error, reload: load };
}
