/**
 * A record field (string keys → values, e.g. `policy.slotLimits`) as the rows of a table: each row a
 * key and its value, in the document's order. Rows may hold a key being typed (empty, or the same as
 * another row's) without losing the row; the value sent is built from the rows, the first row of a
 * key winning.
 */
export interface RecordRow {
  key: string;
  value: unknown;
}

/** The rows of a record value, in its key order. */
export function rowsOf(record: unknown): RecordRow[] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return [];
  return Object.entries(record as Record<string, unknown>).map(([key, value]) => ({ key, value }));
}

/** The record the rows stand for, a key's first row winning. */
export function recordOf(rows: readonly RecordRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rows) if (!Object.prototype.hasOwnProperty.call(out, r.key)) out[r.key] = r.value;
  return out;
}

/** The rows given their keys (the editor's own list, in its order) and the record's current values. */
export function rowsFor(keys: readonly string[], record: Record<string, unknown>): RecordRow[] {
  return keys.map((key) => ({ key, value: record[key] }));
}

/** Indices of rows whose key an earlier row already has (their value is not the one sent). */
export function duplicateRows(keys: readonly string[]): Set<number> {
  const seen = new Set<string>();
  const out = new Set<number>();
  keys.forEach((k, i) => {
    if (seen.has(k)) out.add(i);
    seen.add(k);
  });
  return out;
}

/** The keys after renaming row `index` to `key`. */
export function renameRow(keys: readonly string[], index: number, key: string): string[] {
  return keys.map((k, i) => (i === index ? key : k));
}

/** The rows' keys (or values) without row `index`. */
export function removeRow<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

/** The key a new row starts with: the first allowed key not yet used, or empty for the operator to type. */
export function nextKey(keys: readonly string[], allowed: readonly string[] | null): string {
  return allowed?.find((k) => !keys.includes(k)) ?? '';
}
