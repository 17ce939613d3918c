/**
 * Line status for the pages: one signal per line, so a `line` event re-renders only that line's row.
 * Filled by GET /api/lines and kept current by the `lines` snapshot and `line` events.
 */
import { batch, signal, type Signal } from '@preact/signals';
import { api, ApiFailure } from './client';
import { onEvent } from './events';
import type { LineStatus } from './types';

export const lineIds = signal<number[]>([]);
/** null: loaded; otherwise the HTTP status of the last failed load (403: this role may not read lines). */
export const linesError = signal<number | null>(null);
export const linesLoaded = signal(false);
const bySignal = new Map<number, Signal<LineStatus>>();

export function lineSignal(id: number): Signal<LineStatus> | undefined {
  return bySignal.get(id);
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function applySnapshot(lines: readonly LineStatus[]): void {
  batch(() => {
    const ids = lines.map((l) => l.id).sort((a, b) => a - b);
    for (const l of lines) {
      const s = bySignal.get(l.id);
      if (s) s.value = l;
      else bySignal.set(l.id, signal(l));
    }
    for (const id of [...bySignal.keys()]) if (!ids.includes(id)) bySignal.delete(id);
    if (!sameIds(ids, lineIds.value)) lineIds.value = ids;
    linesLoaded.value = true;
    linesError.value = null;
  });
}

export function applyLine(line: LineStatus): void {
  const s = bySignal.get(line.id);
  if (s) {
    s.value = line;
    return;
  }
  batch(() => {
    bySignal.set(line.id, signal(line));
    lineIds.value = [...lineIds.value, line.id].sort((a, b) => a - b);
  });
}

export async function refreshLines(): Promise<void> {
  try {
    const r = await api<{ lines: LineStatus[] }>('GET', '/lines');
    applySnapshot(r.lines);
  } catch (e) {
    linesError.value = e instanceof ApiFailure ? e.status : 0;
  }
}

function isLine(v: unknown): v is LineStatus {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'number';
}

onEvent('lines', (d) => {
  const lines = (d as { lines?: unknown }).lines;
  if (Array.isArray(lines)) applySnapshot(lines.filter(isLine));
});
onEvent('line', (d) => {
  if (isLine(d)) applyLine(d);
});
