/**
 * What kind of input a configuration field takes, read from the server's own schema
 * (src/config/schema.ts) at a path: the settings editor offers a checkbox, a number, a choice or text
 * accordingly, and lists an object's keys even when they are absent from the document.
 */
import './zod-no-eval';
import { configSchema } from '../../../src/config/schema.js';

export type FieldKind =
  | { kind: 'bool' }
  | { kind: 'number' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'text' }
  | { kind: 'object'; keys: string[] }
  | { kind: 'list'; item: FieldKind }
  /** Records, unions and anything else: edited as JSON text. */
  | { kind: 'json' };

interface Def {
  type: string;
  innerType?: Node;
  in?: Node;
  shape?: Record<string, Node>;
  element?: Node;
  entries?: Record<string, string>;
  values?: unknown[];
}
interface Node {
  _zod: { def: Def };
}

/** Optional, nullable, default and transform wrappers removed. */
function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 16; i++) {
    const d = cur._zod.def;
    if (d.innerType && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type)) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else break;
  }
  return cur;
}

function child(n: Node, seg: string | number): Node | undefined {
  const d = unwrap(n)._zod.def;
  if (typeof seg === 'number') return d.type === 'array' ? d.element : undefined;
  return d.type === 'object' ? d.shape?.[seg] : undefined;
}

export function kindOf(n: Node | undefined): FieldKind {
  if (!n) return { kind: 'json' };
  const d = unwrap(n)._zod.def;
  switch (d.type) {
    case 'boolean':
      return { kind: 'bool' };
    case 'number':
      return { kind: 'number' };
    case 'string':
      return { kind: 'text' };
    case 'enum':
      return { kind: 'enum', values: Object.values(d.entries ?? {}) };
    case 'object':
      return { kind: 'object', keys: Object.keys(d.shape ?? {}) };
    case 'array':
      return { kind: 'list', item: kindOf(d.element) };
    default:
      return { kind: 'json' };
  }
}

/** The field kind at `path` (keys and list indices) in the configuration document. */
export function fieldKind(path: ReadonlyArray<string | number>): FieldKind {
  let n: Node | undefined = configSchema as unknown as Node;
  for (const seg of path) {
    n = n ? child(n, seg) : undefined;
    if (!n) return { kind: 'json' };
  }
  return kindOf(n);
}

/** Whether the field at `path` may be absent (optional) or null. */
export function fieldMayBe(path: ReadonlyArray<string | number>): { absent: boolean; nul: boolean } {
  let n: Node | undefined = configSchema as unknown as Node;
  for (const seg of path) n = n ? child(n, seg) : undefined;
  const out = { absent: false, nul: false };
  for (let cur = n, i = 0; cur && i < 16; i++) {
    const d: Def = cur._zod.def;
    if (d.type === 'optional') out.absent = true;
    if (d.type === 'nullable') out.nul = true;
    cur = d.innerType;
  }
  return out;
}
