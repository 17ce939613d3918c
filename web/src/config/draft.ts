/**
 * The edited copy of a configuration section: read and replace a value at a path of keys and list
 * indices without touching the original, and name paths as the API's field errors do
 * (`sms.forward[0].phone`), so an error finds its input.
 */
import { formatPath } from '../../../src/config/errors.js';

export type Path = ReadonlyArray<string | number>;

export function pathText(path: Path): string {
  return formatPath(path);
}

/** A DOM id for the input of `path` (letters, digits, `-` only). */
export function inputId(path: Path): string {
  return `cfg-${path.join('-').replace(/[^A-Za-z0-9-]/g, '_')}`;
}

export function getAt(doc: unknown, path: Path): unknown {
  let cur = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** A copy of `doc` with `value` at `path` (`undefined` removes an object key; list entries stay). */
export function setAt(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(doc) && typeof head === 'number') {
    const copy = doc.slice();
    copy[head] = setAt(doc[head], rest, value);
    return copy;
  }
  const obj = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...(doc as Record<string, unknown>) } : {};
  const next = setAt(obj[head as string], rest, value);
  if (next === undefined) delete obj[head as string];
  else obj[head as string] = next;
  return obj;
}

/** The list at `path` without entry `index`. */
export function removeAt(doc: unknown, path: Path, index: number): unknown {
  const list = getAt(doc, path);
  return Array.isArray(list) ? setAt(doc, path, list.filter((_, i) => i !== index)) : doc;
}

/**
 * A new list entry shaped like the existing ones: same keys, texts and choices emptied, secrets cleared,
 * numbers and switches kept (the operator then fills in what differs).
 */
export function blankLike(sample: unknown): unknown {
  if (Array.isArray(sample)) return [];
  if (sample !== null && typeof sample === 'object') {
    return Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, blankLike(v)]));
  }
  return typeof sample === 'string' ? '' : sample;
}
