/**
 * Today's SMS counts of each line's bound SIM (manual §3.2.1 "短信次数"), from GET /api/sims. The line
 * status has no SMS counter, so this is re-read when an `sms` event says something changed, at most
 * every few seconds.
 */
import { signal } from '@preact/signals';
import { api } from './client';
import { onEvent } from './events';
import type { SimsView } from './types';

export interface SmsCount {
  sent: number;
  failed: number;
}

export const smsCounts = signal<ReadonlyMap<number, SmsCount>>(new Map());
/** False when this role may not read SIM statistics (the column then shows a dash). */
export const smsCountsAvailable = signal(true);

const MIN_INTERVAL_MS = 3000;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastLoad = 0;
let watchers = 0;

export async function loadSmsCounts(): Promise<void> {
  lastLoad = Date.now();
  try {
    const view = await api<SimsView>('GET', '/sims');
    const next = new Map<number, SmsCount>();
    for (const l of view.lines) {
      const bound = l.slots.find((s) => s.slot === l.bound);
      if (bound) next.set(Number(l.line), { sent: bound.today.sms, failed: bound.today.smsFailed });
    }
    smsCounts.value = next;
    smsCountsAvailable.value = true;
  } catch {
    smsCountsAvailable.value = false;
  }
}

function scheduleLoad(): void {
  if (watchers === 0 || timer !== undefined) return;
  const wait = Math.max(0, lastLoad + MIN_INTERVAL_MS - Date.now());
  timer = setTimeout(() => {
    timer = undefined;
    void loadSmsCounts();
  }, wait);
}

/** Keeps the counts current while a page shows them; returns the function that stops it. */
export function watchSmsCounts(): () => void {
  watchers++;
  void loadSmsCounts();
  const offSms = onEvent('sms', scheduleLoad);
  const offOpen = onEvent('open', scheduleLoad);
  return () => {
    watchers--;
    offSms();
    offOpen();
  };
}
