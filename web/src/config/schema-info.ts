/**
 * What kind of input a configuration field takes, read from the server's own schema
 * (src/config/schema.ts): the settings editor offers a checkbox, a number, a choice, text, a fieldset
 * of an object's keys (absent ones included), a list, a table of a record's entries, or a choice of a
 * union's variants followed by the chosen variant's own fields.
 *
 * Fields are walked schema node by schema node (not by path alone): inside a union the node to follow
 * depends on the variant the value is, which only the editor knows.
 */
import './zod-no-eval.js';
import { configSchema } from '../../../src/config/schema.js';

interface Def {
  type: string;
  innerType?: SchemaNode;
  in?: SchemaNode;
  shape?: Record<string, SchemaNode>;
  element?: SchemaNode;
  entries?: Record<string, string>;
  values?: unknown[];
  options?: SchemaNode[];
  discriminator?: string;
  keyType?: SchemaNode;
  valueType?: SchemaNode;
  items?: SchemaNode[];
  rest?: SchemaNode | null;
}
/** A zod schema as the editor reads it (its definition only). */
export interface SchemaNode {
  _zod: { def: Def };
}

/** One choice of a union field: how the value looks when it is that variant. */
export type Variant =
  /** The key left out of the document. */
  | { id: 'absent'; shape: 'absent' }
  | { id: 'null'; shape: 'null' }
  /** One fixed value, e.g. "self-signed". */
  | { id: string; shape: 'literal'; value: string | number | boolean }
  /** An object; `tag` is its discriminator key and value when the union has one. */
  | { id: string; shape: 'object'; node: SchemaNode; tag?: { key: string; value: string | number | boolean } }
  /** A text, number or choice typed in. */
  | { id: 'text' | 'number' | 'enum' | 'bool'; shape: 'leaf'; node: SchemaNode }
  /** A list (of a list that may be null: null and [] then mean different things). */
  | { id: 'list'; shape: 'list'; node: SchemaNode };

export type FieldKind =
  | { kind: 'bool' }
  | { kind: 'number' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'text' }
  /** `fixed`: keys holding one literal (a discriminator), set by the variant choice and not shown. */
  | { kind: 'object'; keys: string[]; shape: Record<string, SchemaNode>; fixed: string[] }
  | { kind: 'list'; item: FieldKind; itemNode: SchemaNode | undefined }
  /** String keys → values; `keyValues` when the keys come from a fixed list. */
  | { kind: 'record'; keyNode: SchemaNode | undefined; keyValues: string[] | null; valueNode: SchemaNode | undefined }
  | { kind: 'union'; variants: Variant[] }
  /** A single literal: nothing to choose. */
  | { kind: 'fixed'; value: unknown }
  /** Only what has no form: JSON text. */
  | { kind: 'json'; why: string };

const WRAPPERS = ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'];

/** Optional, nullable, default and transform wrappers removed. */
function unwrap(n: SchemaNode): SchemaNode {
  let cur = n;
  for (let i = 0; i < 16; i++) {
    const d = cur._zod.def;
    if (d.innerType && WRAPPERS.includes(d.type)) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else break;
  }
  return cur;
}

/** Whether the node may be absent (optional) or null. */
export function mayBe(n: SchemaNode | undefined): { absent: boolean; nul: boolean } {
  const out = { absent: false, nul: false };
  for (let cur = n, i = 0; cur && i < 16; i++) {
    const d: Def = cur._zod.def;
    if (d.type === 'optional') out.absent = true;
    if (d.type === 'nullable') out.nul = true;
    cur = d.type === 'pipe' ? d.in : d.innerType;
  }
  return out;
}

function literalOf(n: SchemaNode): string | number | boolean | undefined {
  const d = unwrap(n)._zod.def;
  const v = d.type === 'literal' && d.values?.length === 1 ? d.values[0] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

function leafId(n: SchemaNode): 'text' | 'number' | 'enum' | 'bool' | null {
  const t = unwrap(n)._zod.def.type;
  return t === 'string' ? 'text' : t === 'number' ? 'number' : t === 'enum' ? 'enum' : t === 'boolean' ? 'bool' : null;
}

/**
 * The variants of a union, of an object that may be absent or null, or of a plain value that may be
 * both (the two then mean different things, e.g. a slot limit absent = the device-wide one, null =
 * none): absent, null, literals, objects (named by their discriminator's value), texts and numbers.
 * Null when the node is no such choice.
 */
export function variantsOf(n: SchemaNode): Variant[] | null {
  const may = mayBe(n);
  const inner = unwrap(n);
  const d = inner._zod.def;
  const head: Variant[] = [];
  // A plain value that may be absent or null is an empty input, unless both may be and mean different things.
  const leaf = d.type !== 'union' && d.type !== 'object' ? leafId(inner) : null;
  if (may.absent && (d.type === 'union' || d.type === 'object' || may.nul)) head.push({ id: 'absent', shape: 'absent' });
  if (may.nul) head.push({ id: 'null', shape: 'null' });
  if (d.type !== 'union') {
    if (head.length === 0) return null;
    if (d.type === 'object') return [...head, { id: 'object', shape: 'object', node: inner }];
    if (d.type === 'array' && may.nul) return [...head, { id: 'list', shape: 'list', node: inner }];
    return may.absent && may.nul && leaf ? [...head, { id: leaf, shape: 'leaf', node: inner }] : null;
  }
  const out = [...head];
  for (const opt of d.options ?? []) {
    const lit = literalOf(opt);
    const od = unwrap(opt)._zod.def;
    const optLeaf = leafId(opt);
    if (lit !== undefined) out.push({ id: String(lit), shape: 'literal', value: lit });
    else if (od.type === 'object') {
      const tagValue = d.discriminator ? literalOf(od.shape?.[d.discriminator] as SchemaNode) : undefined;
      out.push(
        tagValue !== undefined && d.discriminator
          ? { id: String(tagValue), shape: 'object', node: unwrap(opt), tag: { key: d.discriminator, value: tagValue } }
          : { id: 'object', shape: 'object', node: unwrap(opt) },
      );
    } else if (optLeaf) out.push({ id: optLeaf, shape: 'leaf', node: unwrap(opt) });
    else return null;
  }
  return new Set(out.map((v) => v.id)).size === out.length ? out : null;
}

/** The variant `value` is, or null when it is none of them. */
export function variantOf(variants: readonly Variant[], value: unknown): Variant | null {
  const fits = (v: Variant): boolean => {
    switch (v.shape) {
      case 'absent':
        return value === undefined;
      case 'null':
        return value === null;
      case 'literal':
        return value === v.value;
      case 'object':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
        return !v.tag || (value as Record<string, unknown>)[v.tag.key] === v.tag.value;
      case 'list':
        return Array.isArray(value);
      case 'leaf':
        return v.id === 'number' ? typeof value === 'number' : v.id === 'bool' ? typeof value === 'boolean' : typeof value === 'string';
    }
  };
  const found = variants.find(fits);
  if (found) return found;
  // A field left out that may not be absent takes its default, shown as the "null" choice when it has one.
  return value === undefined ? (variants.find((v) => v.shape === 'null') ?? null) : null;
}

/** The value a newly chosen variant starts with: its fixed value, or an object holding just its tag. */
export function variantStart(v: Variant): unknown {
  switch (v.shape) {
    case 'absent':
      return undefined;
    case 'null':
      return null;
    case 'literal':
      return v.value;
    case 'object':
      return v.tag ? { [v.tag.key]: v.tag.value } : {};
    case 'list':
      return [];
    case 'leaf': {
      const k = kindOf(v.node);
      return k.kind === 'number' ? 0 : k.kind === 'bool' ? false : k.kind === 'enum' ? k.values[0] : '';
    }
  }
}

/** The value a new entry (a record's row) starts with: empty, for the operator to fill in. */
export function blankFor(n: SchemaNode | undefined): unknown {
  const k = kindOf(n);
  switch (k.kind) {
    case 'object':
    case 'record':
      return {};
    case 'list':
      return [];
    case 'bool':
      return false;
    case 'enum':
      return k.values[0];
    case 'union':
      return variantStart(k.variants[0]!);
    case 'fixed':
      return k.value;
    default:
      return '';
  }
}

/**
 * The value a field takes when the operator chooses `chosen`: the value as loaded when it was that
 * variant (so going back restores it, a stored secret's redaction marker included, which the server
 * then keeps), else the variant's start.
 */
export function valueForChoice(variants: readonly Variant[], chosen: Variant, loaded: unknown): unknown {
  return variantOf(variants, loaded) === chosen ? loaded : variantStart(chosen);
}

export function kindOf(n: SchemaNode | undefined): FieldKind {
  if (!n) return { kind: 'json', why: 'not in the schema' };
  const variants = variantsOf(n);
  if (variants) return { kind: 'union', variants };
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
    case 'literal':
      return { kind: 'fixed', value: d.values?.[0] };
    case 'object': {
      const shape = d.shape ?? {};
      return { kind: 'object', keys: Object.keys(shape), shape, fixed: Object.keys(shape).filter((k) => literalOf(shape[k]!) !== undefined) };
    }
    case 'array':
      return { kind: 'list', item: kindOf(d.element), itemNode: d.element };
    case 'tuple':
      return tupleKind(d);
    case 'record': {
      const keyDef = d.keyType ? unwrap(d.keyType)._zod.def : undefined;
      const keyValues = keyDef?.type === 'enum' ? Object.values(keyDef.entries ?? {}) : null;
      return { kind: 'record', keyNode: d.keyType, keyValues, valueNode: d.valueType };
    }
    default:
      return { kind: 'json', why: `a ${d.type} has no form` };
  }
}

/**
 * A tuple of plain values of one kind is edited as a list, one value per line. A tuple with a rest of
 * texts (a program and its arguments) stays JSON: an argument may be an empty text, which a line per
 * value cannot show, and JSON's quoting keeps spaces inside an argument exact.
 */
function tupleKind(d: Def): FieldKind {
  const items = (d.items ?? []).map((i) => kindOf(i));
  if (d.rest) return { kind: 'json', why: 'a program and its arguments: an argument may be empty or hold spaces' };
  const first = items[0];
  const plain = first && (first.kind === 'number' || first.kind === 'text' || first.kind === 'enum');
  if (!plain || !items.every((k) => k.kind === first.kind)) return { kind: 'json', why: 'a tuple of mixed values' };
  return { kind: 'list', item: first, itemNode: d.items?.[0] };
}

/** The schema node of a configuration section (or any path of plain object keys). */
export function schemaAt(path: ReadonlyArray<string | number>): SchemaNode | undefined {
  let n: SchemaNode | undefined = configSchema as unknown as SchemaNode;
  for (const seg of path) {
    const d: Def | undefined = n ? unwrap(n)._zod.def : undefined;
    if (!d) return undefined;
    n = typeof seg === 'number' ? (d.type === 'array' ? d.element : undefined) : d.type === 'object' ? d.shape?.[seg] : d.type === 'record' ? d.valueType : undefined;
  }
  return n;
}

/** The field kind at `path` (object keys and list indices) in the configuration document. */
export function fieldKind(path: ReadonlyArray<string | number>): FieldKind {
  return kindOf(schemaAt(path));
}

/** Whether `key` passes a record's key rule (so a message at the entry's path is about its value, not its key). */
export function keyFits(keyNode: SchemaNode | undefined, key: string): boolean {
  const parse = (keyNode as unknown as { safeParse?: (v: unknown) => { success: boolean } } | undefined)?.safeParse;
  return typeof parse === 'function' ? parse.call(keyNode, key).success : true;
}
