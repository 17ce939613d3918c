/** Durations, percentages and call words for the device, SIM and call pages, through Intl. */
import { lang, t } from '../i18n/index';

/** "2 d, 3 h, 4 min" style, the largest two units (a talk time shows seconds). */
export function formatDuration(totalSec: number | null | undefined): string {
  if (totalSec === null || totalSec === undefined || !Number.isFinite(totalSec)) return '—';
  const s = Math.max(0, Math.round(totalSec));
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86_400), 'day'],
    [Math.floor((s % 86_400) / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
    [s % 60, 'second'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return unit(0, 'second');
  const shown = parts.slice(first, first + 2).filter(([n]) => n > 0);
  return new Intl.ListFormat(lang.value, { type: 'unit', style: 'narrow' }).format(shown.map(([n, u]) => unit(n, u)));
}

function unit(n: number, u: string): string {
  return new Intl.NumberFormat(lang.value, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
}

export function formatSeconds(sec: number | null | undefined): string {
  if (sec === null || sec === undefined) return '—';
  return unit(Math.round(sec), 'second');
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  return new Intl.NumberFormat(lang.value, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

export function formatTime(unixSec: number): string {
  return new Intl.DateTimeFormat(lang.value, { hour: '2-digit', minute: '2-digit' }).format(new Date(unixSec * 1000));
}

const OUTCOMES: Record<string, () => string> = {
  answered: () => t('calls.outcome.answered'),
  missed: () => t('calls.outcome.missed'),
  busy: () => t('calls.outcome.busy'),
  'no-answer': () => t('calls.outcome.no-answer'),
  failed: () => t('calls.outcome.failed'),
  refused: () => t('calls.outcome.refused'),
};
export const outcomeLabel = (v: string | null) => (v === null ? t('calls.outcome.active') : Object.hasOwn(OUTCOMES, v) ? OUTCOMES[v]!() : v);

export const directionLabel = (v: 'in' | 'out') => (v === 'in' ? t('calls.direction.in') : t('calls.direction.out'));
