/** Dates, numbers and durations in the active language, through Intl. */
import { lang } from './index';

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang.value, { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang.value).format(n);
}

export function formatMinutes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang.value, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(n);
}

export function formatDbm(dbm: number): string {
  return `${new Intl.NumberFormat(lang.value, { signDisplay: 'exceptZero' }).format(dbm)} dBm`;
}
